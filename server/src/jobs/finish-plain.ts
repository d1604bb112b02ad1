import type { Pool } from 'pg';
import type { ModelCallError } from '../bots/model-errors';
import type { ChatJob } from '../generated/prisma/client';
import type { ModelPrices } from '../usage/usage-config';
import { costOf, usageTokens } from '../usage/usage-record';
import { JOB_COLUMNS, UTC, utc } from './job-sql';

export interface PlainOutcome {
  state: 'COMPLETED' | 'FAILED' | 'CANCELED';
  text: string;
  usage?: unknown;
  error?: ModelCallError;
}

const FINISH = `
  WITH done AS (
    UPDATE "ChatJob" SET
      state = CASE WHEN state = 'CANCELED' THEN state ELSE $2::"JobState" END,
      text = $3,
      usage = COALESCE($4::jsonb, usage),
      "errorCode" = $5,
      "errorMessage" = $6,
      "finishedAt" = COALESCE("finishedAt", ${UTC(7)})
    WHERE id = $1::uuid AND "replyMessageId" IS NULL AND state IN ('QUEUED', 'ACTIVE', 'CANCELED')
    RETURNING *
  ), recorded AS (
    INSERT INTO "UsageRecord" ("jobId", "userId", "botId", "participationId", model, "promptTokens",
      "completionTokens", "costUsd", "createdAt", "finishedAt")
    SELECT id, "userId", "botId", "participationId", model, $8::int, $9::int, $10::float8, "createdAt", ${UTC(7)}
    FROM done
    ON CONFLICT DO NOTHING
  )
  SELECT ${JOB_COLUMNS} FROM done AS "ChatJob"`;

/**
 * Finishes a job that posts no message and belongs to no study (a user's submitChat) in one statement: the
 * outcome and its usage record are written together, as the finishing transaction of other jobs does. Like it,
 * a cancel that landed first keeps CANCELED, and a job already finished otherwise is left alone (null). The
 * UPDATE locks the row and re-checks it after a concurrent cancel commits, so no read is needed first.
 */
export async function finishPlain(
  pool: Pool,
  prices: ModelPrices,
  job: ChatJob,
  outcome: PlainOutcome,
): Promise<ChatJob | null> {
  const { promptTokens, completionTokens } = usageTokens(job, outcome.usage, outcome.text.length > 0);
  const cost = costOf(prices, job.model, promptTokens, completionTokens);
  const usage = outcome.usage == null ? null : JSON.stringify(outcome.usage);
  const { rows } = await pool.query<ChatJob>({
    name: 'jobs-finish-plain',
    text: FINISH,
    values: [
      job.id,
      outcome.state,
      outcome.text,
      usage,
      outcome.error?.code ?? null,
      outcome.error?.message ?? null,
      utc(new Date()),
      promptTokens,
      completionTokens,
      cost,
    ],
  });
  return rows[0] ?? null;
}
