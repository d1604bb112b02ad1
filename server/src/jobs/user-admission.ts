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
const insert = (guard = '') => `INSERT INTO "ChatJob" (id, "userId", "taskId", "botId", "triggerMessageId", model,
    input, "reservedTokens", "requestId", "createdAt")
  SELECT $1::uuid, $2::uuid, $3, $4::uuid, $5::uuid, $6, $7::jsonb, $8::int, $9, ${UTC(10)}
  WHERE (SELECT count(*) FROM "ChatJob" WHERE "userId" = $2::uuid AND state IN ('QUEUED', 'ACTIVE')) < $11::int
    ${guard}
  RETURNING ${JOB_COLUMNS},
    (SELECT role::text FROM "User" WHERE id = $2::uuid) AS "quotaRole",
    (SELECT "requestsPerDay" FROM "UserQuota" WHERE "userId" = $2::uuid) AS "quotaRequests",
    (SELECT "tokensPerDay" FROM "UserQuota" WHERE "userId" = $2::uuid) AS "quotaTokens"`;
const INSERT = insert();

/** Whether user $n has a quota override with a limit in it (the one-round-trip admission leaves those alone). */
const hasOverride = (n: number) => `EXISTS (SELECT 1 FROM "UserQuota" WHERE "userId" = $${n}::uuid
  AND ("requestsPerDay" IS NOT NULL OR "tokensPerDay" IS NOT NULL))`;
const INSERT_WITHOUT_OVERRIDE = insert(`AND NOT ${hasOverride(2)}`);
const OVERRIDE = `SELECT ${hasOverride(1)} AS "hasOverride"`;

type Inserted = ChatJob & { quotaRole: Role | null; quotaRequests: number | null; quotaTokens: number | null };

/** Inputs up to this size (as JSON) go in BEGIN's round trip as literals; larger ones as a parameter of their own. */
const INLINE_MAX = 64 * 1024;

/**
 * The limits of admission.ts for a user's job (CHAT_MAX_CONCURRENT, then the daily quota), with the count and
 * the insert in one statement, in a transaction on one pooled connection: BEGIN, the owner's lock (the same
 * advisory lock as checkOpenAndQuota's) and the INSERT go in one round trip, then COMMIT (durable: the job row
 * must outlive a crash). `checkRate` runs once the row is written (see withinRate); what throws rolls it back.
 * When no daily quota can apply and the rate point is already taken, the COMMIT goes in the same round trip.
 */
export async function admitUserJob(
  pool: Pool,
  config: Config,
  job: NewJob & { userId: string },
  checkRate: () => Promise<void>,
  rateGranted: Promise<boolean>,
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
  const inline = input.length <= INLINE_MAX;
  if (inline && !hasRoleQuotas(config) && (await rateGranted)) {
    const admitted = await admitAtOnce(pool, values, job.userId);
    if (admitted === 'full') throw tooMany(config);
    if (admitted !== 'quota') {
      await checkRate(); // taken already: this only marks the point as used
      return admitted;
    }
  }
  return onClient(pool, async (client) => {
    let rows: Inserted[];
    if (inline) {
      const results = (await client.query(
        `${begin(client, job.userId)}; ${inlined(client, INSERT, values)}`,
      )) as unknown as QueryResult<Inserted>[];
      // pg answers a query of several statements with one result each: the INSERT's is the last.
      rows = results.at(-1)?.rows ?? [];
    } else {
      await client.query(begin(client, job.userId));
      ({ rows } = await client.query<Inserted>({ name: 'jobs-insert-user', text: INSERT, values }));
    }
    const row = rows[0];
    if (!row) throw tooMany(config);
    const { quotaRole: role, quotaRequests: requestsPerDay, quotaTokens: tokensPerDay } = row;
    const inserted = jobOf(row);
    await checkDailyQuota(
      rawOn(client),
      effectiveQuota(config, role, { requestsPerDay, tokensPerDay }),
      job.userId,
      inserted,
    );
    await checkRate();
    await client.query('COMMIT');
    return inserted;
  });
}

/** Bounded as Prisma's transactions were (15 s): a statement waiting longer on the lock gives up. */
const begin = (client: PoolClient, userId: string) => `BEGIN; SET LOCAL statement_timeout = 15000;
  SELECT pg_advisory_xact_lock(hashtextextended(${client.escapeLiteral(`chat:user:${userId}`)}, 0))`;

const hasRoleQuotas = (config: Config) =>
  Object.values(config.CHAT_QUOTAS).some((q) => q && (q.requestsPerDay != null || q.tokensPerDay != null));

/**
 * BEGIN, the lock, the INSERT (only without a quota override), the override check and COMMIT in one round trip:
 * the job, or why there is none (`full`: CHAT_MAX_CONCURRENT; `quota`: an override applies, nothing written).
 */
async function admitAtOnce(pool: Pool, values: (string | number | null)[], userId: string) {
  return onClient(pool, async (client) => {
    const statements = [
      begin(client, userId),
      inlined(client, INSERT_WITHOUT_OVERRIDE, values),
      inlined(client, OVERRIDE, [userId]),
      'COMMIT',
    ];
    const results = (await client.query(statements.join('; '))) as unknown as QueryResult[];
    const row = results.at(-3)?.rows[0] as Inserted | undefined;
    if (row) return jobOf(row);
    return results.at(-2)?.rows[0]?.hasOverride ? ('quota' as const) : ('full' as const);
  });
}

const jobOf = ({ quotaRole: _role, quotaRequests: _requests, quotaTokens: _tokens, ...job }: Inserted): ChatJob => job;

/** `sql` with its $n replaced by the values as literals (then several statements can go in one query). */
function inlined(client: PoolClient, sql: string, values: (string | number | null)[]): string {
  return sql.replace(/\$(\d+)/g, (_, n: string) => literal(client, values[Number(n) - 1] ?? null));
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

/**
 * Runs `work` on a pooled connection; `work` begins the transaction and commits it. When it throws, the
 * transaction is rolled back (a failed statement skips the rest, COMMIT included).
 */
async function onClient<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    return await work(client);
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
