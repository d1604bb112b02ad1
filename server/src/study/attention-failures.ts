import type { Db } from '../db/client';
import type { LoadedStudy } from './study-catalog';

export type AttentionFailureRow = Record<string, string | null>;

/**
 * Every failed attention-check attempt of a study, oldest first, as export rows (record_type
 * 'attention_failure'): who, which task and question, the answer given, what the policy did, and when.
 * Prolific lets researchers reject a submission only on a check that was recorded.
 */
export async function attentionFailureRows(
  db: Db,
  study: LoadedStudy,
  includePreviews = false,
): Promise<AttentionFailureRow[]> {
  const failures = await db.attentionFailure.findMany({
    where: { participation: { studySlug: study.slug, ...(includePreviews ? {} : { preview: false }) } },
    include: { participation: { select: { participantId: true, condition: true } } },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
  });
  return failures.map((f) => ({
    record_type: 'attention_failure',
    participation_id: f.participationId,
    participant_id: f.participation.participantId,
    condition: f.participation.condition,
    task_id: f.taskId,
    question_id: f.questionId,
    answer: f.answer === null ? null : JSON.stringify(f.answer),
    policy: f.policy,
    created_at: f.createdAt.toISOString(),
  }));
}
