import { queueIterator } from '../async-queue';
import type { Db } from '../db/client';
import { badInput } from '../errors';
import { parseId } from '../ids';
import type { PubSub } from '../pubsub';
import { type MessageDto, toMessageDto, withUsers } from './message.dto';

/** At most this many missed messages are replayed; a client further behind reloads its history. */
export const MAX_REPLAY = 500;
/**
 * Sequence numbers are taken at insert and may commit out of order: replaying from a little before the
 * anchor catches a message that committed after it. The client merges by id.
 */
const OVERLAP_MS = 10_000;

/** My messages (to me or from me) since `afterId`, one of mine the client already has; oldest first. */
export async function missedSince(db: Db, viewerId: string, afterId: string): Promise<MessageDto[]> {
  const mine = { OR: [{ toId: viewerId }, { fromId: viewerId }] };
  const anchor = await db.message.findFirst({
    where: { id: parseId(afterId, 'after'), ...mine },
    select: { createdAt: true },
  });
  if (!anchor) throw badInput('after is not a message of mine.', 'after');
  const rows = await db.message.findMany({
    where: { ...mine, createdAt: { gte: new Date(anchor.createdAt.getTime() - OVERLAP_MS) } },
    include: withUsers,
    orderBy: { seq: 'asc' },
    take: MAX_REPLAY,
  });
  return rows.filter((row) => row.id !== afterId).map(toMessageDto);
}

/**
 * Subscribes first, then reads what was missed, so nothing published in between is lost: the replay comes
 * first, then live messages it did not already hold.
 */
export async function replayThenLive(
  pubsub: PubSub,
  topic: string,
  readMissed: () => Promise<MessageDto[]>,
): Promise<AsyncIterableIterator<MessageDto>> {
  let stop = () => {};
  const { push, iterator } = queueIterator<MessageDto>(() => stop());
  const replayed = new Set<string>();
  let held: MessageDto[] | null = [];
  stop = await pubsub.listen<MessageDto>(topic, (message) => {
    if (held) held.push(message);
    else if (!replayed.has(message.id)) push(message);
  });
  try {
    for (const message of await readMissed()) {
      replayed.add(message.id);
      push(message);
    }
  } catch (error) {
    stop();
    throw error;
  }
  for (const message of held) if (!replayed.has(message.id)) push(message);
  held = null;
  return iterator;
}
