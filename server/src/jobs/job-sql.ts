import type { Pool } from 'pg';
import type { ChatJob } from '../generated/prisma/client';

// The statements every job runs (its admission, its snapshot for jobUpdated, the worker's claim), on pg's
// pool under Prisma (db/client.ts), named so that each connection prepares them once: Prisma's own CPU per
// statement (about 0.1-0.2 ms) was a good part of a job's. Timestamps are `timestamp(3)` in UTC (Prisma's
// layout): they are read `AT TIME ZONE 'UTC'` and written from ISO strings, whatever the session's time zone.

/** A ChatJob row as Prisma returns it. */
export const JOB_COLUMNS = `"ChatJob".id, "ChatJob"."userId", "ChatJob"."participationId", "ChatJob"."taskId",
  "ChatJob"."botId", "ChatJob"."triggerMessageId", "ChatJob"."replyMessageId", "ChatJob".model, "ChatJob".input,
  "ChatJob".state::text AS state, "ChatJob".text, "ChatJob"."errorCode", "ChatJob"."errorMessage", "ChatJob".usage,
  "ChatJob".attempts, "ChatJob"."reservedTokens", "ChatJob"."requestId",
  "ChatJob"."createdAt" AT TIME ZONE 'UTC' AS "createdAt", "ChatJob"."startedAt" AT TIME ZONE 'UTC' AS "startedAt",
  "ChatJob"."finishedAt" AT TIME ZONE 'UTC' AS "finishedAt"`;

/** A JS date as a `timestamp(3)` value in UTC (a parameter of the statements here). */
export const utc = (date: Date) => date.toISOString();
/** The SQL that reads such a parameter. */
export const UTC = (n: number) => `($${n}::timestamptz AT TIME ZONE 'UTC')`;

/**
 * A FROM item that makes the single statement using it commit without waiting for its WAL to reach the disk
 * (synchronous_commit off for that statement's own transaction only; the pooled connection keeps its setting).
 * Only for writes that may be lost in a database crash: a later durable commit flushes them too, as the WAL
 * is written in order. It saves a disk flush (~0.2 ms) on the worker's path.
 */
const ASYNC = `(SELECT set_config('synchronous_commit', 'off', true)) AS async_commit`;

const READ = `SELECT ${JOB_COLUMNS} FROM "ChatJob" WHERE id = $1::uuid`;

export async function readJob(pool: Pool, jobId: string): Promise<ChatJob | null> {
  const { rows } = await pool.query<ChatJob>({ name: 'jobs-read', text: READ, values: [jobId] });
  return rows[0] ?? null;
}

const CLAIM = `UPDATE "ChatJob" SET state = 'ACTIVE', attempts = $2::int, "startedAt" = ${UTC(3)},
    text = '', "errorCode" = NULL, "errorMessage" = NULL
  FROM ${ASYNC}
  WHERE id = $1::uuid AND state IN ('QUEUED', 'ACTIVE')
  RETURNING ${JOB_COLUMNS}`;

/**
 * Claims a queued (or crashed-while-active) job for attempt `attempt` and returns it, or null when it is gone or
 * finished. Committed without waiting for the disk: a claim lost in a database crash is a job that had not
 * started yet, and the queue runs it again.
 */
export async function claimJob(pool: Pool, jobId: string, attempt: number): Promise<ChatJob | null> {
  const { rows } = await pool.query<ChatJob>({
    name: 'jobs-claim',
    text: CLAIM,
    values: [jobId, attempt, utc(new Date())],
  });
  return rows[0] ?? null;
}

const SAVE_TEXT = `UPDATE "ChatJob" SET text = $2 FROM ${ASYNC} WHERE id = $1::uuid AND state = 'ACTIVE'`;

/** The text so far of a running job: transient (the final text is committed durably), so no wait for the disk. */
export async function saveText(pool: Pool, jobId: string, text: string): Promise<void> {
  await pool.query({ name: 'jobs-save-text', text: SAVE_TEXT, values: [jobId, text] });
}
