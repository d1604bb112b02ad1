import type { Db } from '../db/client';
import type { ParticipationStatus } from '../generated/prisma/enums';
import type { LoadedStudy } from './study-catalog';

export interface ConditionStats {
  condition: string;
  /** Consented into this condition. */
  started: number;
  completed: number;
  returned: number;
  timedOut: number;
  screenedOut: number;
  medianSeconds: number | null;
}

export interface StudyStats {
  /** Opened the link and decided nothing yet (no condition). */
  opened: number;
  declined: number;
  conditions: ConditionStats[];
  /** Median time from consent to completion over every condition. */
  medianSeconds: number | null;
}

function median(values: number[]): number | null {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Arrivals by status, participants by condition and outcome, and the median time from consent to completion. */
export async function studyStats(db: Db, study: LoadedStudy, includePreviews = false): Promise<StudyStats> {
  const participations = await db.participation.findMany({
    where: { studySlug: study.slug, ...(includePreviews ? {} : { preview: false }) },
    select: { condition: true, status: true, consentedAt: true, completedAt: true },
  });
  const count = (list: typeof participations, status: ParticipationStatus) =>
    list.filter((p) => p.status === status).length;
  const all = median(
    participations
      .filter((p) => p.status === 'COMPLETED' && p.completedAt && p.consentedAt)
      .map((p) => ((p.completedAt as Date).getTime() - (p.consentedAt as Date).getTime()) / 1000),
  );
  return {
    medianSeconds: all === null ? null : Math.round(all),
    opened: count(participations, 'OPENED'),
    declined: count(participations, 'DECLINED'),
    conditions: study.conditions.map(({ name }) => {
      const mine = participations.filter((p) => p.condition === name);
      const seconds = mine
        .filter((p) => p.status === 'COMPLETED' && p.completedAt && p.consentedAt)
        .map((p) => ((p.completedAt as Date).getTime() - (p.consentedAt as Date).getTime()) / 1000);
      const middle = median(seconds);
      return {
        condition: name,
        started: mine.length,
        completed: count(mine, 'COMPLETED'),
        returned: count(mine, 'RETURNED'),
        timedOut: count(mine, 'TIMED_OUT'),
        screenedOut: count(mine, 'SCREENED_OUT'),
        medianSeconds: middle === null ? null : Math.round(middle),
      };
    }),
  };
}
