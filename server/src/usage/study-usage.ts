import type { Db } from '../db/client';
import type { LoadedStudy } from '../study/study-catalog';

export interface Slice {
  key: string | null;
  calls: number;
  promptTokens: number;
  completionTokens: number;
  costUsd: number;
  unpricedCalls: number;
}

type SliceRow = {
  key: string | null;
  calls: bigint;
  prompt: bigint;
  completion: bigint;
  cost: number | null;
  unpriced: bigint;
};

const toSlice = (r: SliceRow): Slice => ({
  key: r.key,
  calls: Number(r.calls),
  promptTokens: Number(r.prompt),
  completionTokens: Number(r.completion),
  costUsd: r.cost ?? 0,
  unpricedCalls: Number(r.unpriced),
});

/** A study's model calls: in all, by condition and by model; previews only when asked for. */
export async function studyUsage(db: Db, study: LoadedStudy, includePreviews: boolean) {
  const slices = (by: 'condition' | 'model' | 'all') =>
    db.$queryRawUnsafe<SliceRow[]>(
      `SELECT ${by === 'all' ? 'NULL' : `"${by}"`} AS key, count(*) AS calls,
       COALESCE(SUM("promptTokens"), 0)::bigint AS prompt, COALESCE(SUM("completionTokens"), 0)::bigint AS completion,
       SUM("costUsd") AS cost, count(*) FILTER (WHERE "costUsd" IS NULL) AS unpriced
     FROM "UsageRecord" WHERE "studySlug" = $1 AND ($2 OR NOT preview)
     ${by === 'all' ? '' : `GROUP BY "${by}" ORDER BY "${by}"`}`,
      study.slug,
      includePreviews,
    );
  const [[total], byCondition, byModel, [budget]] = await Promise.all([
    slices('all'),
    slices('condition'),
    slices('model'),
    db.$queryRaw<{ spent: bigint }[]>`
      SELECT COALESCE(SUM(COALESCE(used, reserved)), 0)::bigint AS spent FROM "StudyTokenUse" WHERE "studySlug" = ${study.slug}`,
  ]);
  const spent = Number(budget?.spent ?? 0);
  return {
    total: toSlice(total as SliceRow),
    byCondition: byCondition.map(toSlice),
    byModel: byModel.map(toSlice),
    tokenBudget: study.tokenBudget ?? null,
    budgetSpent: spent,
    budgetExhausted: study.tokenBudget !== undefined && spent >= study.tokenBudget,
  };
}
