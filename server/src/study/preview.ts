import { randomBytes } from 'node:crypto';
import type { Viewer } from '../context';
import type { Db } from '../db/client';
import { AppError, badInput, notFound } from '../errors';
import type { Logger } from '../logger';
import type { LoadedStudy } from './study-catalog';
import { participationOf } from './transcript';

/**
 * A researcher's test run: consented at once into the condition they chose, flagged `preview` so that stats,
 * places, balancing and exports leave it out. Its participant id cannot collide with a real one's pattern.
 */
export function startPreview(db: Db, study: LoadedStudy, conditionName: string) {
  const condition = study.conditions.find((c) => c.name === conditionName);
  if (!condition) throw badInput(`There is no condition ${conditionName} in this study.`, 'condition');
  return db.participation.create({
    data: {
      studySlug: study.slug,
      participantId: `preview-${randomBytes(8).toString('hex')}`,
      preview: true,
      status: 'STARTED',
      condition: condition.name,
      taskOrder: condition.taskOrder ?? study.tasks.map((t) => t.id),
      consentedAt: new Date(),
    },
  });
}

/**
 * Deletes a participation with everything it holds (answers, record, turns, images, jobs, failed checks).
 * A preview goes at once; a real participant's data only with their participant id typed again as
 * confirmation. Either way the deletion is logged (ParticipationDeletion and the server log).
 */
export async function deleteParticipation(
  db: Db,
  log: Logger,
  study: LoadedStudy,
  viewer: Viewer,
  input: { participationId: string; confirmParticipantId?: string | null },
) {
  const p = await participationOf(db, study, input.participationId);
  if (!p.preview && input.confirmParticipantId?.trim() !== p.participantId) {
    throw new AppError('BAD_USER_INPUT', 'To delete a real participant’s data, type their participant id.', {
      field: 'confirmParticipantId',
      reason: 'CONFIRMATION_REQUIRED',
    });
  }
  // The delete locks the row: of concurrent deletions one deletes and logs, the others find nothing.
  await db.$transaction(async (tx) => {
    const { count } = await tx.participation.deleteMany({ where: { id: p.id } });
    if (!count) throw notFound('There is no such participant in this study.');
    await tx.participationDeletion.create({
      data: {
        studySlug: study.slug,
        participationId: p.id,
        participantId: p.participantId,
        preview: p.preview,
        deletedBy: viewer.username,
      },
    });
  });
  log.info(
    { studySlug: study.slug, participationId: p.id, preview: p.preview, deletedBy: viewer.username },
    'deleted a participation',
  );
  return p;
}
