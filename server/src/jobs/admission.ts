import type { Config } from '../config';
import { AppError } from '../errors';
import type { Prisma } from '../generated/prisma/client';
import type { Role } from '../generated/prisma/enums';
import { checkDailyQuota, type DailyQuota, effectiveQuota } from '../usage/daily-quota';
import { type JobOwner, ownerKey } from './job-owner';

export interface AdmissionFacts {
  /** The owner's unfinished (QUEUED or ACTIVE) jobs. */
  open: number;
  /** A user's daily quota; participants have none. */
  quota: DailyQuota | null;
}

type UserRow = { open: bigint; role: Role | null; requestsPerDay: number | null; tokensPerDay: number | null };

/**
 * What admission decides on, read in one statement: the owner's unfinished jobs and (for a user) their role
 * and quota override. Run it under the owner's lock, after taking it, so that it sees every earlier job.
 */
export async function admissionFacts(
  tx: Prisma.TransactionClient,
  config: Config,
  owner: JobOwner,
): Promise<AdmissionFacts> {
  if (owner.kind === 'participant') {
    const [row] = await tx.$queryRaw<{ open: bigint }[]>`
      SELECT count(*) AS open FROM "ChatJob"
      WHERE "participationId" = ${owner.participationId}::uuid AND state IN ('QUEUED', 'ACTIVE')`;
    return { open: Number(row?.open ?? 0), quota: null };
  }
  const [row] = await tx.$queryRaw<UserRow[]>`
    SELECT
      (SELECT count(*) FROM "ChatJob" WHERE "userId" = ${owner.userId}::uuid AND state IN ('QUEUED', 'ACTIVE')) AS open,
      (SELECT role::text FROM "User" WHERE id = ${owner.userId}::uuid) AS role,
      q."requestsPerDay", q."tokensPerDay"
    FROM (SELECT 1) AS one LEFT JOIN "UserQuota" q ON q."userId" = ${owner.userId}::uuid`;
  // Without an override both fields are null: the role's quota applies.
  return { open: Number(row?.open ?? 0), quota: effectiveQuota(config, row?.role, row) };
}

/** The refusal of a call beyond CHAT_MAX_CONCURRENT. */
export const tooMany = (config: Config) =>
  new AppError(
    'RATE_LIMITED',
    `Wait for your earlier replies to finish (at most ${config.CHAT_MAX_CONCURRENT} at once).`,
    { retryAfterSeconds: 5, reason: 'chat-concurrency' },
  );

/**
 * Takes the owner's lock for the rest of the transaction: concurrent calls of one owner queue on it, and each
 * statement after it sees the jobs of the calls before.
 */
const lockOwner = (tx: Prisma.TransactionClient, owner: JobOwner) =>
  tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`chat:${ownerKey(owner)}`}, 0))`;

/** CHAT_MAX_CONCURRENT and a user's daily quota, under the owner's lock (taken here, held until commit). */
export async function checkOpenAndQuota(tx: Prisma.TransactionClient, config: Config, owner: JobOwner) {
  await lockOwner(tx, owner);
  const { open, quota } = await admissionFacts(tx, config, owner);
  if (open >= config.CHAT_MAX_CONCURRENT) throw tooMany(config);
  if (owner.kind === 'user' && quota) await checkDailyQuota(tx, quota, owner.userId);
}
