import { AppError, badInput } from '../errors';
import type { Prisma } from '../generated/prisma/client';
import { type Answers, score } from './answers';
import { refusalFor, withLockedParticipation } from './participation-lock';
import { refuse } from './participation-rules';
import type { SaveResult, StudyService } from './study.service';

/**
 * The final save, exactly once, for a participation that consented, finished every task and is within its
 * time; otherwise FORBIDDEN with the reason, and nothing is stored. The record holds the answers the server
 * kept (the client's `data.answers` is ignored) beside the client's other data (timings, device). Saving
 * again after completion stores nothing and answers `alreadyExisted`, so a client that lost the answer to
 * its save can ask again.
 */
export async function saveFinal(
  studies: StudyService,
  participationId: string,
  data: unknown,
  maxBytes: number,
): Promise<SaveResult> {
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    throw badInput('data must be an object.', 'data');
  const bytes = Buffer.byteLength(JSON.stringify(data));
  if (bytes > maxBytes) throw new AppError('PAYLOAD_TOO_LARGE', `data is ${bytes} bytes; the limit is ${maxBytes}.`);
  const { answers: _ignored, ...clientData } = data as Record<string, unknown>;
  const { inserted, studySlug } = await withLockedParticipation(studies.db, participationId, async (tx, p) => {
    if (p.status === 'COMPLETED') return { inserted: false, studySlug: p.studySlug };
    const study = studies.study(p.studySlug);
    const refusal = await refusalFor(tx, study, p);
    if (refusal) return refusal;
    if (p.currentTask < studies.tasksOf(p).length) return refuse('TASKS_INCOMPLETE');
    const answers = Object.assign({}, ...Object.values((p.progress ?? {}) as Record<string, Answers>)) as Answers;
    const result = score(study, answers);
    await tx.participationRecord.create({
      data: {
        participationId: p.id,
        data: { ...clientData, answers } as Prisma.InputJsonValue,
        score: result?.score ?? null,
        scoreTotal: result?.total ?? null,
      },
    });
    await tx.participation.update({ where: { id: p.id }, data: { status: 'COMPLETED', completedAt: new Date() } });
    return { inserted: true, studySlug: p.studySlug };
  });
  const study = studies.study(studySlug);
  const record = await studies.db.participationRecord.findUniqueOrThrow({ where: { participationId } });
  return {
    saved: inserted,
    alreadyExisted: !inserted,
    completionCode: study.completionCode,
    completionUrl: study.completionUrl,
    score: record.score,
    scoreTotal: record.scoreTotal,
  };
}
