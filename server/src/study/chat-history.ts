import type { Db } from '../db/client';
import type { StudyImage, StudyTurn } from '../generated/prisma/client';
import { toDataUrl } from '../jobs/chat-images';
import type { StoredTurn } from '../jobs/chat-input';

export type TurnWithImages = StudyTurn & { imageFiles: StudyImage[] };

/**
 * Turns in the order they were said: each message by its seq, the model's reply right after the message
 * it answers (a reply is stored when it ends, so its own seq may come after later messages).
 */
export function chatOrder<T extends Pick<StudyTurn, 'seq' | 'jobId' | 'role'>>(turns: T[]): T[] {
  const messageSeq = new Map(turns.filter((t) => t.role === 'user' && t.jobId).map((t) => [t.jobId, t.seq]));
  const key = (t: T) => (t.role === 'user' ? t.seq : (messageSeq.get(t.jobId) ?? t.seq));
  return [...turns].sort((a, b) => {
    const byKey = key(a) - key(b);
    if (byKey !== 0n) return byKey < 0n ? -1 : 1;
    if (a.role !== b.role) return a.role === 'user' ? -1 : 1;
    return a.seq < b.seq ? -1 : a.seq > b.seq ? 1 : 0;
  });
}

export const imageUrls = (turn: TurnWithImages) =>
  [...turn.imageFiles].sort((a, b) => a.position - b.position).map(toDataUrl);

/** What the model is sent of an earlier turn: every message, and every reply that said something and did not fail. */
export const reachesModel = (turn: StudyTurn) =>
  turn.role === 'user' || (turn.role === 'assistant' && turn.text.trim() !== '' && turn.outcome !== 'FAILED');

/** One task's chat of one participant, in chat order, with the images of each turn. */
export async function taskTurns(db: Db, participationId: string, taskId: string): Promise<TurnWithImages[]> {
  const turns = await db.studyTurn.findMany({ where: { participationId, taskId }, include: { imageFiles: true } });
  return chatOrder(turns);
}

/** A participant's model call: its messages, and the stored turns they came from (to record with the reply). */
export interface ModelHistory {
  turns: StoredTurn[];
  sentTurnIds: string[];
}

/**
 * The messages of a participant's model call, built from the stored turns only: the system prompt stored
 * with its message, then the task's turns up to and including that message. Null if the message is gone.
 */
export async function modelHistory(db: Db, jobId: string): Promise<ModelHistory | null> {
  const own = await db.studyTurn.findUnique({ where: { jobId_role: { jobId, role: 'user' } } });
  if (!own) return null;
  const all = await taskTurns(db, own.participationId, own.taskId);
  const sent = all.slice(0, all.findIndex((t) => t.id === own.id) + 1).filter(reachesModel);
  const turns: StoredTurn[] = sent.map((t) => ({
    role: t.role as 'user' | 'assistant',
    content: t.text,
    images: imageUrls(t),
  }));
  if (own.systemPrompt) turns.unshift({ role: 'system', content: own.systemPrompt, images: [] });
  return { turns, sentTurnIds: sent.map((t) => t.id) };
}
