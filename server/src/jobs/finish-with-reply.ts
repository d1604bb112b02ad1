import type { ModelCallError } from '../bots/model-errors';
import { withUsers } from '../chat/message.dto';
import type { Db } from '../db/client';
import type { ChatJob, Prisma } from '../generated/prisma/client';
import { settleTokens, usedTokens } from '../study/token-budget';
import type { ModelPrices } from '../usage/usage-config';
import { recordUsage } from '../usage/usage-record';
import { isFinished } from './chat-job.dto';

export interface JobOutcome {
  state: 'COMPLETED' | 'FAILED' | 'CANCELED';
  text: string;
  usage?: unknown;
  error?: ModelCallError;
  sentTurnIds?: string[];
}

/**
 * Finishes a job that posts a bot's reply or belongs to a study, in one transaction: the reply message (full or
 * partial), the study turn, the usage record and the job's outcome. A cancel that landed first keeps CANCELED;
 * a job already finished otherwise is left alone (null), so a retried attempt never posts twice.
 */
export function finishWithReply(db: Db, prices: ModelPrices, job: ChatJob, outcome: JobOutcome) {
  const postReply = job.botId !== null && outcome.text.trim().length > 0 && outcome.state !== 'FAILED';
  return db.$transaction(async (tx) => {
    const current = await tx.chatJob.findUniqueOrThrow({ where: { id: job.id } });
    // A cancel that landed first keeps its CANCELED state; the text said so far is still kept.
    const state = current.state === 'CANCELED' ? 'CANCELED' : outcome.state;
    if (current.replyMessageId || (isFinished(current.state) && current.state !== 'CANCELED')) return null;
    const message =
      postReply && job.botId && job.userId
        ? await tx.message.create({
            data: {
              fromId: job.botId,
              toId: job.userId,
              body: outcome.text,
              clientId: `job:${job.id}`,
              stopped: state === 'CANCELED',
            },
            include: withUsers,
          })
        : null;
    if (job.participationId && job.taskId) {
      // The model's turn joins the study's data with the outcome, in the same transaction.
      const usage = (outcome.usage ?? {}) as { prompt_tokens?: number; completion_tokens?: number };
      const turn = {
        text: outcome.text,
        model: job.model,
        promptTokens: usage.prompt_tokens ?? null,
        completionTokens: usage.completion_tokens ?? null,
        latencyMs: Date.now() - job.createdAt.getTime(),
        outcome: state,
        sentTurnIds: outcome.sentTurnIds ?? [],
      };
      await tx.studyTurn.upsert({
        where: { jobId_role: { jobId: job.id, role: 'assistant' } },
        create: {
          participationId: job.participationId,
          taskId: job.taskId,
          role: 'assistant',
          jobId: job.id,
          ...turn,
        },
        update: turn,
      });
      await settleTokens(tx, job.id, usedTokens(outcome.usage), outcome.text.length > 0);
    }
    await recordUsage(tx, prices, job, outcome.usage, outcome.text.length > 0);
    const row = await tx.chatJob.update({
      where: { id: job.id },
      data: {
        state,
        text: outcome.text,
        usage: (outcome.usage ?? undefined) as Prisma.InputJsonValue | undefined,
        errorCode: outcome.error?.code ?? null,
        errorMessage: outcome.error?.message ?? null,
        finishedAt: current.finishedAt ?? new Date(),
        replyMessageId: message?.id ?? null,
      },
    });
    return { message, row };
  });
}
