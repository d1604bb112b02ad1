import type { ChatJob, Prisma } from '../generated/prisma/client';
import type { ModelPrices } from './usage-config';

/** USD for a call's tokens at the configured price of its model, or null when the model has none. */
export function costOf(prices: ModelPrices, model: string, promptTokens: number, completionTokens: number) {
  const price = prices[model];
  if (!price) return null;
  return (promptTokens * price.input + completionTokens * price.output) / 1_000_000;
}

/** The tokens a finished call counts: as reported, else (when it said something) what it reserved. */
export function usageTokens(job: Pick<ChatJob, 'reservedTokens'>, usage: unknown, saidAnything: boolean) {
  const u = (usage ?? {}) as { prompt_tokens?: unknown; completion_tokens?: unknown };
  const reported = typeof u.prompt_tokens === 'number' || typeof u.completion_tokens === 'number';
  const promptTokens = typeof u.prompt_tokens === 'number' ? u.prompt_tokens : 0;
  const completionTokens =
    typeof u.completion_tokens === 'number' ? u.completion_tokens : reported || !saidAnything ? 0 : job.reservedTokens;
  return { promptTokens, completionTokens };
}

/**
 * Records a finished call's tokens and cost, in the transaction that finishes the job (so a quota's count never
 * sees a call twice or not at all). Without a usage report, a call that said something counts what it reserved.
 */
export async function recordUsage(
  tx: Prisma.TransactionClient,
  prices: ModelPrices,
  job: ChatJob,
  usage: unknown,
  saidAnything: boolean,
): Promise<void> {
  const { promptTokens, completionTokens } = usageTokens(job, usage, saidAnything);
  const participation = job.participationId
    ? await tx.participation.findUnique({
        where: { id: job.participationId },
        select: { studySlug: true, condition: true, preview: true },
      })
    : null;
  await tx.usageRecord.createMany({
    data: [
      {
        jobId: job.id,
        userId: job.userId,
        botId: job.botId,
        participationId: job.participationId,
        studySlug: participation?.studySlug ?? null,
        condition: participation?.condition ?? null,
        preview: participation?.preview ?? false,
        model: job.model,
        promptTokens,
        completionTokens,
        costUsd: costOf(prices, job.model, promptTokens, completionTokens),
        createdAt: job.createdAt,
      },
    ],
    skipDuplicates: true,
  });
}
