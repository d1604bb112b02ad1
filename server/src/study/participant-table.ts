import type { Db } from '../db/client';
import { badInput } from '../errors';
import type { Participation, Prisma } from '../generated/prisma/client';
import type { ParticipationStatus } from '../generated/prisma/enums';
import type { LoadedStudy } from './study-catalog';

export type SortKey =
  | 'STARTED_AT'
  | 'CONSENTED_AT'
  | 'COMPLETED_AT'
  | 'PARTICIPANT_ID'
  | 'STATUS'
  | 'CONDITION'
  | 'SCORE';

export interface TableQuery {
  statuses?: ParticipationStatus[] | null;
  condition?: string | null;
  failedChecks?: boolean | null;
  search?: string | null;
  includePreviews?: boolean | null;
  sort: SortKey;
  direction: 'ASC' | 'DESC';
  offset: number;
  limit: number;
}

export const MAX_PAGE = 200;
const MAX_SEARCH = 128;
const MAX_OFFSET = 1_000_000;

function whereOf(study: LoadedStudy, q: TableQuery): Prisma.ParticipationWhereInput {
  if (q.search && q.search.length > MAX_SEARCH) throw badInput(`search: at most ${MAX_SEARCH} characters.`, 'search');
  return {
    studySlug: study.slug,
    ...(q.includePreviews ? {} : { preview: false }),
    ...(q.statuses?.length ? { status: { in: q.statuses } } : {}),
    ...(q.condition ? { condition: q.condition } : {}),
    ...(q.failedChecks ? { attentionFailures: { some: {} } } : {}),
    ...(q.search?.trim() ? { participantId: { contains: q.search.trim(), mode: 'insensitive' as const } } : {}),
  };
}

function orderOf(q: TableQuery): Prisma.ParticipationOrderByWithRelationInput[] {
  const dir = q.direction === 'ASC' ? 'asc' : 'desc';
  const nullsLast = { sort: dir, nulls: 'last' } as const;
  const first: Record<SortKey, Prisma.ParticipationOrderByWithRelationInput> = {
    STARTED_AT: { startedAt: dir },
    CONSENTED_AT: { consentedAt: nullsLast },
    COMPLETED_AT: { completedAt: nullsLast },
    PARTICIPANT_ID: { participantId: dir },
    STATUS: { status: dir },
    CONDITION: { condition: nullsLast },
    SCORE: { record: { score: nullsLast } },
  };
  // The id breaks ties, so that pages neither repeat nor skip a row.
  return [first[q.sort], { id: dir }];
}

/** Seconds spent on each task: from the previous task's end (or consent) to this one's. */
export function taskTimes(
  p: Pick<Participation, 'consentedAt' | 'taskOrder' | 'taskDoneAt'>,
): { taskId: string; seconds: number | null }[] {
  const done = (p.taskDoneAt ?? {}) as Record<string, string>;
  let from = p.consentedAt?.getTime() ?? null;
  return (p.taskOrder as string[]).map((taskId) => {
    const at = done[taskId] ? Date.parse(done[taskId]) : null;
    const seconds = at !== null && from !== null ? Math.round((at - from) / 100) / 10 : null;
    from = at;
    return { taskId, seconds };
  });
}

/** The table's rows for these participations: their score, failed checks, chat turns and tokens. */
export async function tableRows(db: Db, participations: Participation[]) {
  const ids = participations.map((p) => p.id);
  const [records, failures, turns, costs] = await Promise.all([
    db.participationRecord.findMany({ where: { participationId: { in: ids } } }),
    db.attentionFailure.groupBy({ by: ['participationId'], where: { participationId: { in: ids } }, _count: true }),
    db.studyTurn.groupBy({
      by: ['participationId'],
      where: { participationId: { in: ids } },
      _count: true,
      _sum: { promptTokens: true, completionTokens: true },
    }),
    db.usageRecord.groupBy({
      by: ['participationId'],
      where: { participationId: { in: ids } },
      _sum: { costUsd: true },
    }),
  ]);
  const cost = new Map(costs.map((c) => [c.participationId, c._sum.costUsd ?? 0]));
  const record = new Map(records.map((r) => [r.participationId, r]));
  const failed = new Map(failures.map((f) => [f.participationId, f._count]));
  const chat = new Map(turns.map((t) => [t.participationId, t]));
  return participations.map((p) => {
    const c = chat.get(p.id);
    return {
      ...p,
      taskCount: (p.taskOrder as string[]).length,
      taskTimes: taskTimes(p),
      score: record.get(p.id)?.score ?? null,
      scoreTotal: record.get(p.id)?.scoreTotal ?? null,
      attentionFailures: failed.get(p.id) ?? 0,
      turns: c?._count ?? 0,
      tokens: (c?._sum.promptTokens ?? 0) + (c?._sum.completionTokens ?? 0),
      costUsd: cost.get(p.id) ?? 0,
    };
  });
}

/** One page of a study's participants, filtered and sorted in Postgres (indexed on the study and arrival). */
export async function participantPage(db: Db, study: LoadedStudy, q: TableQuery) {
  if (!Number.isInteger(q.limit) || q.limit < 1 || q.limit > MAX_PAGE)
    throw badInput(`limit: 1 to ${MAX_PAGE}.`, 'limit');
  if (!Number.isInteger(q.offset) || q.offset < 0 || q.offset > MAX_OFFSET)
    throw badInput(`offset: 0 to ${MAX_OFFSET}.`, 'offset');
  const where = whereOf(study, q);
  const [total, page] = await Promise.all([
    db.participation.count({ where }),
    db.participation.findMany({ where, orderBy: orderOf(q), skip: q.offset, take: q.limit }),
  ]);
  return { rows: await tableRows(db, page), total, offset: q.offset, limit: q.limit };
}
