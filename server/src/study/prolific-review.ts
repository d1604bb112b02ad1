import { stringify } from 'csv-stringify/sync';
import type { Db } from '../db/client';
import type { ParticipationStatus } from '../generated/prisma/enums';
import type { LoadedStudy } from './study-catalog';

type Decision = { decision: 'APPROVE' | 'REJECT' | 'NONE'; reason: string };

/** What Prolific would be told about one submission, from its status and recorded attention checks. */
export function decisionFor(status: ParticipationStatus, failedChecks: number): Decision {
  switch (status) {
    case 'COMPLETED':
      return failedChecks
        ? { decision: 'REJECT', reason: `failed attention checks (${failedChecks})` }
        : { decision: 'APPROVE', reason: 'completed' };
    case 'SCREENED_OUT':
      return { decision: 'REJECT', reason: `failed attention checks (${failedChecks})` };
    case 'TIMED_OUT':
      return { decision: 'NONE', reason: 'timed out' };
    case 'RETURNED':
      return { decision: 'NONE', reason: 'returned' };
    case 'DECLINED':
      return { decision: 'NONE', reason: 'declined consent' };
    default:
      return { decision: 'NONE', reason: 'not finished' };
  }
}

/** The study file's bonus rule for one completed participant, in the study's currency, rounded to cents. */
export function bonusFor(study: LoadedStudy, status: ParticipationStatus, score: number | null): number | null {
  if (!study.bonus || status !== 'COMPLETED' || score === null) return null;
  const amount = score * study.bonus.perScorePoint;
  return Math.round(Math.min(amount, study.bonus.max ?? amount) * 100) / 100;
}

/**
 * The review list for Prolific as CSV: participant id, status, decision and reason, and a bonus column when
 * the study file has a bonus rule. Previews are never in it.
 */
export async function prolificReviewCsv(db: Db, study: LoadedStudy): Promise<string> {
  const participations = await db.participation.findMany({
    where: { studySlug: study.slug, preview: false },
    select: {
      participantId: true,
      status: true,
      record: { select: { score: true } },
      _count: { select: { attentionFailures: true } },
    },
    orderBy: [{ startedAt: 'asc' }, { id: 'asc' }],
  });
  const columns = ['participant_id', 'status', 'decision', 'reason', ...(study.bonus ? ['bonus'] : [])];
  const records = participations.map((p) => {
    const { decision, reason } = decisionFor(p.status, p._count.attentionFailures);
    const row: (string | number | null)[] = [p.participantId, p.status, decision, reason];
    if (study.bonus) row.push(bonusFor(study, p.status, p.record?.score ?? null));
    return row;
  });
  return stringify(records, { bom: true, header: true, columns, escape_formulas: true });
}
