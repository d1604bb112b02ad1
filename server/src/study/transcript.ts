import type { Db } from '../db/client';
import { notFound } from '../errors';
import { parseId } from '../ids';
import { chatOrder, imageUrls } from './chat-history';
import { tableRows } from './participant-table';
import type { LoadedStudy } from './study-catalog';

/** A participation of this study, or NOT_FOUND (also for a real id of another study). */
export async function participationOf(db: Db, study: LoadedStudy, participationId: string) {
  const p = await db.participation.findUnique({ where: { id: parseId(participationId, 'participationId') } });
  if (!p || p.studySlug !== study.slug) throw notFound('There is no such participant in this study.');
  return p;
}

/** Everything one participant did: answers, failed checks, and the chat as the model received it. */
export async function transcript(db: Db, study: LoadedStudy, participationId: string) {
  const p = await participationOf(db, study, participationId);
  const [[row], failures, turns] = await Promise.all([
    tableRows(db, [p]),
    db.attentionFailure.findMany({ where: { participationId: p.id }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] }),
    db.studyTurn.findMany({ where: { participationId: p.id }, include: { imageFiles: true } }),
  ]);
  const progress = (p.progress ?? {}) as Record<string, unknown>;
  const doneAt = (p.taskDoneAt ?? {}) as Record<string, string>;
  const ordered = chatOrder(turns);
  const taskIds = (p.taskOrder as string[]).length ? (p.taskOrder as string[]) : study.tasks.map((t) => t.id);
  return {
    participant: row,
    tasks: taskIds.map((taskId) => ({
      taskId,
      title: study.tasks.find((t) => t.id === taskId)?.title ?? taskId,
      doneAt: doneAt[taskId] ? new Date(doneAt[taskId]) : null,
      answers: progress[taskId] ?? {},
      attentionFailures: failures.filter((f) => f.taskId === taskId),
      turns: ordered.filter((t) => t.taskId === taskId).map((t) => ({ ...t, images: imageUrls(t) })),
    })),
  };
}
