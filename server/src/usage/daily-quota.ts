import type { Config } from '../config';
import { AppError } from '../errors';
import type { Prisma } from '../generated/prisma/client';
import type { Role } from '../generated/prisma/enums';

export interface DailyQuota {
  requestsPerDay: number | null;
  tokensPerDay: number | null;
}

export const startOfUtcDay = (now = new Date()) =>
  new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));

/** The quota of a user of `role` with `override` (their UserQuota, if any): the override's fields, else the role's. */
export function effectiveQuota(
  config: Config,
  role: Role | null | undefined,
  override: DailyQuota | null | undefined,
): DailyQuota {
  const byRole = config.CHAT_QUOTAS[role ?? 'USER'] ?? {};
  return {
    requestsPerDay: override?.requestsPerDay ?? byRole.requestsPerDay ?? null,
    tokensPerDay: override?.tokensPerDay ?? byRole.tokensPerDay ?? null,
  };
}

/** The user's quota: their override's fields, else their role's (CHAT_QUOTAS); null = no limit. */
export async function quotaOf(tx: Prisma.TransactionClient, config: Config, userId: string): Promise<DailyQuota> {
  const user = await tx.user.findUnique({ where: { id: userId }, select: { role: true, quota: true } });
  return effectiveQuota(config, user?.role, user?.quota);
}

/** Today's (UTC) calls and tokens of a user: finished ones as recorded, unfinished ones as reserved. */
export async function usedToday(tx: Prisma.TransactionClient, userId: string, now = new Date()) {
  const day = startOfUtcDay(now);
  // One statement, one snapshot: a call finishing meanwhile is counted once, as a record or as a reservation.
  const [row] = await tx.$queryRaw<{ requests: bigint; tokens: bigint }[]>`
    SELECT
      (SELECT count(*) FROM "UsageRecord" WHERE "userId" = ${userId}::uuid AND "createdAt" >= ${day})
      + (SELECT count(*) FROM "ChatJob" WHERE "userId" = ${userId}::uuid AND state IN ('QUEUED', 'ACTIVE')) AS requests,
      (SELECT COALESCE(SUM("promptTokens" + "completionTokens"), 0) FROM "UsageRecord"
        WHERE "userId" = ${userId}::uuid AND "createdAt" >= ${day})
      + (SELECT COALESCE(SUM("reservedTokens"), 0) FROM "ChatJob"
        WHERE "userId" = ${userId}::uuid AND state IN ('QUEUED', 'ACTIVE')) AS tokens`;
  return { requests: Number(row?.requests ?? 0), tokens: Number(row?.tokens ?? 0) };
}

/**
 * Refuses a user's model call once today's quota is used. Runs under the owner's advisory lock (JobsService
 * admitIn), so concurrent calls are counted one after another; a call is let in while anything is left, so the
 * token quota is exceeded by at most the one call that took the last of it.
 */
export async function checkDailyQuota(
  tx: Prisma.TransactionClient,
  quota: DailyQuota,
  userId: string,
  /** The call being admitted when its job is already written in this transaction (today's use counts it). */
  self: { reservedTokens: number } | null = null,
): Promise<void> {
  if (quota.requestsPerDay === null && quota.tokensPerDay === null) return;
  const used = await usedToday(tx, userId);
  const requests = used.requests - (self ? 1 : 0);
  const tokens = used.tokens - (self?.reservedTokens ?? 0);
  const overRequests = quota.requestsPerDay !== null && requests >= quota.requestsPerDay;
  const overTokens = quota.tokensPerDay !== null && tokens >= quota.tokensPerDay;
  if (!overRequests && !overTokens) return;
  const nextDay = startOfUtcDay().getTime() + 24 * 3600 * 1000;
  throw new AppError(
    'RATE_LIMITED',
    overRequests
      ? `You have used today's ${quota.requestsPerDay} model calls. They start again at 00:00 UTC.`
      : `You have used today's ${quota.tokensPerDay} tokens of model calls. They start again at 00:00 UTC.`,
    { reason: 'DAILY_QUOTA', retryAfterSeconds: Math.ceil((nextDay - Date.now()) / 1000) },
  );
}
