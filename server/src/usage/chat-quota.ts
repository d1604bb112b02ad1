import type { Config } from '../config';
import type { Db } from '../db/client';
import { badInput, notFound } from '../errors';
import { quotaOf, usedToday } from './daily-quota';

const MAX_QUOTA = 1_000_000_000;

/** A user's daily quota (theirs or their role's) and what they used of it today. */
export async function chatQuota(db: Db, config: Config, userId: string) {
  return db.$transaction(async (tx) => {
    const override = await tx.userQuota.findUnique({ where: { userId } });
    const [quota, used] = await Promise.all([quotaOf(tx, config, userId), usedToday(tx, userId)]);
    return { userId, ...quota, overridden: !!override, requestsToday: used.requests, tokensToday: used.tokens };
  });
}

/** Sets (or, with both null, removes) a user's override of their role's daily quota. */
export async function setChatQuota(
  db: Db,
  config: Config,
  userId: string,
  requestsPerDay: number | null,
  tokensPerDay: number | null,
) {
  for (const [field, value] of [
    ['requestsPerDay', requestsPerDay],
    ['tokensPerDay', tokensPerDay],
  ] as const) {
    if (value !== null && (!Number.isInteger(value) || value < 0 || value > MAX_QUOTA))
      throw badInput(`${field}: 0 to ${MAX_QUOTA}, or null for the role's.`, field);
  }
  const user = await db.user.findUnique({ where: { id: userId }, select: { id: true } });
  if (!user) throw notFound('There is no such user.');
  if (requestsPerDay === null && tokensPerDay === null) await db.userQuota.deleteMany({ where: { userId } });
  else
    await db.userQuota.upsert({
      where: { userId },
      create: { userId, requestsPerDay, tokensPerDay },
      update: { requestsPerDay, tokensPerDay },
    });
  return chatQuota(db, config, userId);
}
