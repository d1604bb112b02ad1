import { randomUUID } from 'node:crypto';
import type { Pool, PoolClient, QueryResult } from 'pg';
import type { Config } from '../config';
import { type ChatJob, Prisma } from '../generated/prisma/client';
import type { Role } from '../generated/prisma/enums';
import { checkDailyQuota, effectiveQuota } from '../usage/daily-quota';
import { tooMany } from './admission';
import type { NewJob } from './insert-job';
import { JOB_COLUMNS, UTC, utc } from './job-sql';

// A user's job, written only while they have fewer than CHAT_MAX_CONCURRENT unfinished jobs, returned with
// what their daily quota is made of. Run under the user's lock (see admitUserJob).
const INSERT = `INSERT INTO "ChatJob" (id, "userId", "taskId", "botId", "triggerMessageId", model, input,
    "reservedTokens", "requestId", "createdAt")
  SELECT $1::uuid, $2::uuid, $3, $4::uuid, $5::uuid, $6, $7::jsonb, $8::int, $9, ${UTC(10)}
  WHERE (SELECT count(*) FROM "ChatJob" WHERE "userId" = $2::uuid AND state IN ('QUEUED', 'ACTIVE')) < $11::int
  RETURNING ${JOB_COLUMNS},
    (SELECT role::text FROM "User" WHERE id = $2::uuid) AS "quotaRole",
    (SELECT "requestsPerDay" FROM "UserQuota" WHERE "userId" = $2::uuid) AS "quotaRequests",
    (SELECT "tokensPerDay" FROM "UserQuota" WHERE "userId" = $2::uuid) AS "quotaTokens"`;

type Inserted = ChatJob & { quotaRole: Role | null; quotaRequests: number | null; quotaTokens: number | null };

/** Inputs up to this size (as JSON) go in BEGIN's round trip as literals; larger ones as a parameter of their own. */
const INLINE_MAX = 64 * 1024;

/**
 * The limits of admission.ts for a user's job (CHAT_MAX_CONCURRENT, then the daily quota), with the count and
 * the insert in one statement, in a transaction on one pooled connection: BEGIN, the owner's lock (the same
 * advisory lock as checkOpenAndQuota's) and the INSERT go in one round trip, then COMMIT (durable: the job row
 * must outlive a crash). `checkRate` runs once the row is written (see withinRate); what throws rolls it back.
 */
export function admitUserJob(
  pool: Pool,
  config: Config,
  job: NewJob & { userId: string },
  checkRate: () => Promise<void>,
): Promise<ChatJob> {
  const input = JSON.stringify(job.input);
  const values = [
    randomUUID(),
    job.userId,
    job.taskId ?? null,
    job.botId ?? null,
    job.triggerMessageId ?? null,
    job.model,
    input,
    job.reservedTokens,
    job.requestId ?? null,
    utc(new Date()),
    config.CHAT_MAX_CONCURRENT,
  ];
  return inUserTransaction(pool, async (client) => {
    // Bounded as Prisma's transactions were (15 s): a statement waiting longer on the lock gives up.
    const begin = `BEGIN; SET LOCAL statement_timeout = 15000;
      SELECT pg_advisory_xact_lock(hashtextextended(${client.escapeLiteral(`chat:user:${job.userId}`)}, 0))`;
    let rows: Inserted[];
    if (input.length <= INLINE_MAX) {
      // pg answers a query of several statements with one result each: the INSERT's is the last.
      const inline = INSERT.replace(/\$(\d+)/g, (_, n: string) => literal(client, values[Number(n) - 1]));
      const results = (await client.query(`${begin}; ${inline}`)) as unknown as QueryResult<Inserted>[];
      rows = results.at(-1)?.rows ?? [];
    } else {
      await client.query(begin);
      ({ rows } = await client.query<Inserted>({ name: 'jobs-insert-user', text: INSERT, values }));
    }
    const row = rows[0];
    if (!row) throw tooMany(config);
    const { quotaRole, quotaRequests, quotaTokens, ...inserted } = row;
    const quota = effectiveQuota(config, quotaRole, { requestsPerDay: quotaRequests, tokensPerDay: quotaTokens });
    await checkDailyQuota(rawOn(client), quota, job.userId, inserted);
    await checkRate();
    return inserted;
  });
}

/** A value written into SQL text: pg's own quoting for strings, integers as they are. */
function literal(client: PoolClient, value: string | number | null): string {
  if (value === null) return 'NULL';
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new Error(`not an integer: ${value}`);
    return String(value);
  }
  return client.escapeLiteral(value);
}

/** Runs `work`, which begins the transaction, then commits; rolls back when `work` throws. */
async function inUserTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    // Also after a failed lock (a timeout): no connection goes back to the pool in a transaction.
    await client.query('ROLLBACK').catch((err: Error) => {
      broken = err;
    });
    throw error;
  } finally {
    // A connection that cannot roll back is closed rather than reused.
    client.release(broken);
  }
}

/**
 * checkDailyQuota's one raw statement, on this transaction's connection (dates as UTC ISO strings, which a
 * `timestamp` parameter reads as UTC).
 */
function rawOn(client: PoolClient): Prisma.TransactionClient {
  const $queryRaw = async (strings: TemplateStringsArray, ...values: unknown[]) => {
    const sql = Prisma.sql(strings, ...values);
    const { rows } = await client.query(
      sql.text,
      sql.values.map((v) => (v instanceof Date ? utc(v) : v)),
    );
    return rows;
  };
  return { $queryRaw } as unknown as Prisma.TransactionClient;
}
