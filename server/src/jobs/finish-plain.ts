import type { ModelCallError } from '../bots/model-errors';
import type { Db } from '../db/client';
import type { ChatJob } from '../generated/prisma/client';
import type { ModelPrices } from '../usage/usage-config';
import { costOf, usageTokens } from '../usage/usage-record';

export interface PlainOutcome {
  state: 'COMPLETED' | 'FAILED' | 'CANCELED';
  text: string;
  usage?: unknown;
  error?: ModelCallError;
}

/**
 * Finishes a job that posts no message and belongs to no study (a user's submitChat) in one statement: the
 * outcome and its usage record are written together, as the finishing transaction of other jobs does. Like it,
 * a cancel that landed first keeps CANCELED, and a job already finished otherwise is left alone (null). The
 * UPDATE locks the row and re-checks it after a concurrent cancel commits, so no read is needed first.
 */
export async function finishPlain(
  db: Db,
  prices: ModelPrices,
  job: ChatJob,
  outcome: PlainOutcome,
): Promise<ChatJob | null> {
  const { promptTokens, completionTokens } = usageTokens(job, outcome.usage, outcome.text.length > 0);
  const cost = costOf(prices, job.model, promptTokens, completionTokens);
  const usage = outcome.usage == null ? null : JSON.stringify(outcome.usage);
  const now = new Date();
  const [row] = await db.$queryRaw<ChatJob[]>`
    WITH done AS (
      UPDATE "ChatJob" SET
        state = CASE WHEN state = 'CANCELED' THEN state ELSE ${outcome.state}::"JobState" END,
        text = ${outcome.text},
        usage = COALESCE(${usage}::jsonb, usage),
        "errorCode" = ${outcome.error?.code ?? null},
        "errorMessage" = ${outcome.error?.message ?? null},
        "finishedAt" = COALESCE("finishedAt", ${now}::timestamp(3))
      WHERE id = ${job.id}::uuid AND "replyMessageId" IS NULL AND state IN ('QUEUED', 'ACTIVE', 'CANCELED')
      RETURNING *
    ), recorded AS (
      INSERT INTO "UsageRecord" ("jobId", "userId", "botId", "participationId", model, "promptTokens",
        "completionTokens", "costUsd", "createdAt", "finishedAt")
      SELECT id, "userId", "botId", "participationId", model, ${promptTokens}::int, ${completionTokens}::int,
        ${cost}::float8, "createdAt", ${now}::timestamp(3)
      FROM done
      ON CONFLICT DO NOTHING
    )
    SELECT * FROM done`;
  return row ?? null;
}
