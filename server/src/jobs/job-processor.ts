import type { BotConfig } from '../bots/bot-config';
import type { BotRegistry } from '../bots/bot-registry';
import { callModel } from '../bots/model-call';
import { ModelCallError } from '../bots/model-errors';
import type { ChatService } from '../chat/chat.service';
import { toMessageDto, withUsers } from '../chat/message.dto';
import type { Config } from '../config';
import type { Db } from '../db/client';
import type { ChatJob, Prisma } from '../generated/prisma/client';
import type { Logger } from '../logger';
import { metrics } from '../metrics/registry';
import { type JobRun, PermanentJobError } from '../queue';
import { modelHistory } from '../study/chat-history';
import type { ParticipantChanges } from '../study/participant-changes';
import { settleTokens, usedTokens } from '../study/token-budget';
import { recordUsage } from '../usage/usage-record';
import { ASYNC_COMMIT } from './async-commit';
import type { StoredTurn } from './chat-input';
import { isFinished, toJobDto } from './chat-job.dto';
import { finishPlain } from './finish-plain';
import type { JobsService, StoredChatInput } from './jobs.service';

function countTokens(usage: unknown) {
  const { prompt_tokens: prompt, completion_tokens: completion } = (usage ?? {}) as Record<string, unknown>;
  if (typeof prompt === 'number' && prompt > 0) metrics.modelTokens.inc({ kind: 'prompt' }, prompt);
  if (typeof completion === 'number' && completion > 0) metrics.modelTokens.inc({ kind: 'completion' }, completion);
}

/**
 * Runs `fn` in `ms`, or when due at the end of this turn of the event loop: deltas that arrive together (a fast
 * model's whole answer) then go out as one save and publish, or none when the answer ends in the same turn.
 */
function later(fn: () => void, ms: number): () => void {
  if (ms > 0) {
    const timer = setTimeout(fn, ms);
    return () => clearTimeout(timer);
  }
  const immediate = setImmediate(fn);
  return () => clearImmediate(immediate);
}

interface Prepared {
  bot: BotConfig;
  turns: StoredTurn[];
  /** A participant's call: the stored study turns it is sent. */
  sentTurnIds?: string[];
  maxTokens: number;
  temperature?: number;
  user?: { id: string; username: string };
}

/**
 * Runs one attempt of a job in a worker: marks it ACTIVE, streams the model's answer to subscribers
 * (throttled), and stores the outcome. A bot's reply becomes a message in the same transaction that
 * completes the job, so a job retried after a crash can never post twice.
 */
export class JobProcessor {
  constructor(
    private readonly db: Db,
    private readonly jobs: JobsService,
    private readonly chat: ChatService,
    private readonly bots: BotRegistry,
    private readonly config: Config,
    private readonly log: Logger,
    private readonly participantChanges: ParticipantChanges,
  ) {}

  readonly process = async (run: JobRun): Promise<void> => {
    // Claimed and read in one statement (UPDATE ... RETURNING); only a job that is gone or finished needs a read.
    // Committed without waiting for the disk (see ASYNC_COMMIT): a claim lost in a database crash is a job that
    // had not started yet, and the queue runs it again.
    const [job] = await this.db.$queryRaw<ChatJob[]>`
      UPDATE "ChatJob" SET state = 'ACTIVE', attempts = ${run.attempt}::int, "startedAt" = ${new Date()}::timestamp(3),
        text = '', "errorCode" = NULL, "errorMessage" = NULL
      FROM ${ASYNC_COMMIT}
      WHERE id = ${run.jobId}::uuid AND state IN ('QUEUED', 'ACTIVE')
      RETURNING "ChatJob".*`;
    if (!job) {
      const gone = await this.db.chatJob.findUnique({ where: { id: run.jobId } });
      // E.g. canceled while its first worker was dying: make sure subscribers hear the end.
      if (gone && isFinished(gone.state)) await this.jobs.publish(toJobDto(gone));
      return;
    }
    const log = this.log.child({ jobId: job.id, requestId: job.requestId, attempt: run.attempt });
    // Stored already; not awaited, so the model call starts at once (publishes on one connection keep their order).
    this.jobs.publish(toJobDto(job)).catch((err) => log.warn({ err }, 'could not publish the ACTIVE state'));
    const timer = metrics.jobDuration.startTimer();

    let text = '';
    let lastPublished = 0;
    let saving = Promise.resolve();
    /** Cancels the scheduled flush. */
    let pending: (() => void) | undefined;
    let inFlight = false;
    let behind = false;
    // Saved, then published, in order: a subscriber that arrives after a publish reads at least that text in
    // its first event (jobStatus too), and one that arrived before receives the publish. While one save is
    // under way, the next flushes fold into one save of the latest text.
    const pump = async () => {
      inFlight = true;
      try {
        do {
          behind = false;
          const snapshot = text;
          // Streamed text is transient (the final text is committed durably), so no wait for the disk either.
          await this.db.$executeRaw`UPDATE "ChatJob" SET text = ${snapshot} FROM ${ASYNC_COMMIT}
            WHERE id = ${job.id}::uuid AND state = 'ACTIVE'`;
          await this.jobs.publish({
            ...toJobDto(job),
            state: 'ACTIVE',
            attempts: run.attempt,
            text: snapshot,
            error: null,
          });
        } while (behind);
      } catch (err) {
        log.warn({ err }, 'could not save or publish the text so far');
      } finally {
        inFlight = false;
      }
    };
    const flush = () => {
      pending = undefined;
      lastPublished = Date.now();
      if (inFlight) behind = true;
      else saving = pump();
    };
    const onDelta = (delta: string) => {
      text += delta;
      if (pending) return;
      pending = later(flush, this.config.STREAM_THROTTLE_MS - (Date.now() - lastPublished));
    };

    let sentTurnIds: string[] | undefined;
    try {
      const prepared = await this.prepare(job);
      sentTurnIds = prepared.sentTurnIds;
      const result = await callModel(prepared.bot, {
        turns: prepared.turns,
        model: job.model,
        maxTokens: prepared.maxTokens,
        temperature: prepared.temperature,
        signal: run.signal,
        timeoutMs: this.config.MODEL_TIMEOUT_SECONDS * 1000,
        onDelta,
        user: prepared.user,
      });
      pending?.();
      await saving;
      await this.finish(job, { state: 'COMPLETED', text: result.text, usage: result.usage, sentTurnIds });
      timer({ outcome: 'completed' });
      countTokens(result.usage);
      log.info({ chars: result.text.length }, 'job completed');
    } catch (error) {
      pending?.();
      await saving;
      if (run.signal.aborted) {
        // Canceled by its owner: keep what was said so far as the bot's (partial) reply.
        await this.finish(job, { state: 'CANCELED', text, sentTurnIds });
        timer({ outcome: 'canceled' });
        return;
      }
      const failure = error instanceof ModelCallError ? error : new ModelCallError('INTERNAL', 'The job failed.', true);
      if (!(error instanceof ModelCallError)) log.error({ err: error }, 'job crashed');
      const last = !failure.transient || run.attempt >= run.maxAttempts;
      log.warn({ code: failure.code, detail: failure.detail, last }, 'model call failed');
      timer({ outcome: last ? 'failed' : 'retried' });
      metrics.jobFailures.inc({ code: failure.code, last: String(last) });
      if (last) {
        await this.finish(job, { state: 'FAILED', text, error: failure, sentTurnIds });
        throw new PermanentJobError(failure.message);
      }
      // Back in the queue until the next attempt; the error says why.
      await this.db.chatJob.updateMany({
        where: { id: job.id, state: 'ACTIVE' },
        data: { state: 'QUEUED', errorCode: failure.code, errorMessage: failure.message },
      });
      await this.publishCurrent(job.id);
      throw failure;
    }
  };

  private async prepare(job: ChatJob): Promise<Prepared> {
    if (!job.botId) {
      const input = job.input as unknown as StoredChatInput;
      const bot = this.defaultModel();
      if (!bot)
        throw new ModelCallError('BOT_UNAVAILABLE', 'No model is configured on this server (OPENAI_API_KEY).', false);
      // A participant's history is what the study stored, never what their browser sent.
      const history = job.participationId ? await modelHistory(this.db, job.id) : { turns: input.turns };
      if (!history) throw new ModelCallError('INTERNAL', 'The message of this call is gone.', false);
      return { bot, ...history, maxTokens: input.maxTokens, temperature: input.temperature };
    }
    const bot = this.bots.get(job.botId);
    if (!bot) throw new ModelCallError('BOT_UNAVAILABLE', 'This bot is not configured on the server any more.', false);
    const userId = job.userId;
    if (!userId) throw new ModelCallError('BOT_UNAVAILABLE', 'Bots answer users only.', false);
    const user = await this.db.user.findUniqueOrThrow({
      where: { id: userId },
      select: { id: true, username: true },
    });
    const trigger = job.triggerMessageId
      ? await this.db.message.findUnique({ where: { id: job.triggerMessageId }, select: { seq: true } })
      : null;
    const history = await this.db.message.findMany({
      where: {
        OR: [
          { fromId: userId, toId: job.botId },
          { fromId: job.botId, toId: userId },
        ],
        ...(trigger ? { seq: { lte: trigger.seq } } : {}),
      },
      orderBy: { seq: 'desc' },
      take: 200,
      select: { fromId: true, body: true },
    });
    // The most recent turns that fit the budget, oldest first.
    const turns: StoredTurn[] = [];
    let budget = this.config.CHAT_HISTORY_CHARS;
    for (const message of history) {
      if (message.body.length > budget && turns.length > 0) break;
      budget -= message.body.length;
      turns.unshift({ role: message.fromId === job.botId ? 'assistant' : 'user', content: message.body, images: [] });
    }
    if (bot.systemPrompt) turns.unshift({ role: 'system', content: bot.systemPrompt, images: [] });
    const maxTokens =
      bot.kind === 'openai' ? (bot.maxTokens ?? this.config.GPT_TOKEN_LIMIT) : this.config.GPT_TOKEN_LIMIT;
    return { bot, turns, maxTokens, temperature: bot.kind === 'openai' ? bot.temperature : undefined, user };
  }

  /** submitChat's endpoint: OPENAI_BASE_URL with OPENAI_API_KEY. */
  private defaultModel(): BotConfig | undefined {
    const { OPENAI_API_KEY: apiKey, OPENAI_BASE_URL: baseUrl, GPT_VERSION: model } = this.config;
    return apiKey ? { kind: 'openai', name: 'default', model, baseUrl, apiKey } : undefined;
  }

  /** Records the outcome once; a bot's reply (full or partial) is stored as its message in the same transaction. */
  private async finish(
    job: ChatJob,
    outcome: {
      state: 'COMPLETED' | 'FAILED' | 'CANCELED';
      text: string;
      usage?: unknown;
      error?: ModelCallError;
      sentTurnIds?: string[];
    },
  ) {
    if (!job.botId && !job.participationId) {
      // No message and no study turn to write: one statement instead of a transaction.
      const row = await finishPlain(this.db, this.config.MODEL_PRICES, job, outcome);
      if (row) await this.jobs.publish(toJobDto(row));
      else await this.publishCurrent(job.id);
      return;
    }
    const postReply = job.botId !== null && outcome.text.trim().length > 0 && outcome.state !== 'FAILED';
    const done = await this.db.$transaction(async (tx) => {
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
      await recordUsage(tx, this.config.MODEL_PRICES, job, outcome.usage, outcome.text.length > 0);
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
    // The updated row is the final state: published as it is, without reading it again.
    if (done) await this.jobs.publish(toJobDto(done.row));
    else await this.publishCurrent(job.id);
    if (done?.message) await this.chat.publish(toMessageDto(done.message));
    if (done && job.participationId) await this.participantChanges.changed(job.participationId);
  }

  private async publishCurrent(jobId: string) {
    const job = await this.db.chatJob.findUnique({ where: { id: jobId } });
    if (job) await this.jobs.publish(toJobDto(job));
  }
}
