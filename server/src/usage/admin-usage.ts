import type { Db } from '../db/client';

/** Model calls per UTC day, user, bot, study and model over the last `days` days, newest first. */
export async function usageByDay(db: Db, days: number) {
  const since = new Date(Date.now() - days * 24 * 3600 * 1000);
  const rows = await db.$queryRaw<
    {
      day: string;
      username: string | null;
      bot: string | null;
      studySlug: string | null;
      model: string;
      calls: bigint;
      prompt: bigint;
      completion: bigint;
      cost: number | null;
      unpriced: bigint;
    }[]
  >`
    SELECT to_char(r."createdAt" AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, u.username::text AS username,
      b.username::text AS bot, r."studySlug", r.model, count(*) AS calls,
      SUM(r."promptTokens")::bigint AS prompt, SUM(r."completionTokens")::bigint AS completion,
      SUM(r."costUsd") AS cost, count(*) FILTER (WHERE r."costUsd" IS NULL) AS unpriced
    FROM "UsageRecord" r
    LEFT JOIN "User" u ON u.id = r."userId"
    LEFT JOIN "User" b ON b.id = r."botId"
    WHERE r."createdAt" >= ${since}
    GROUP BY 1, 2, 3, 4, 5
    ORDER BY 1 DESC, 2, 3, 4, 5`;
  return rows.map((r) => ({
    day: r.day,
    username: r.username,
    bot: r.bot,
    studySlug: r.studySlug,
    model: r.model,
    calls: Number(r.calls),
    promptTokens: Number(r.prompt),
    completionTokens: Number(r.completion),
    costUsd: Number(r.unpriced) === Number(r.calls) ? null : (r.cost ?? 0),
  }));
}
