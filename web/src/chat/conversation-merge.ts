/** A page of a conversation as cached: messages oldest first, and whether older ones exist. */
export interface MessagePage<T> {
  messages: T[];
  hasMore: boolean;
}

/** Where a message sorts: its time, then its id to break ties. */
export type SortKey = [number, string];

/**
 * One list per conversation partner, whatever `before`/`limit` were used: older
 * pages, live messages and refetches are merged by id and kept oldest first.
 * `before` is the cursor the incoming page was asked with (none for the newest page).
 */
export function mergePages<T, P extends MessagePage<T>>(
  existing: P | undefined,
  incoming: P,
  before: string | null | undefined,
  keyOf: (message: T) => SortKey,
): P {
  if (!existing) return incoming;
  const keyed = (list: T[]) => list.map((message) => ({ message, key: keyOf(message) }));
  const old = keyed(existing.messages);
  const fresh = keyed(incoming.messages);

  // A first page that does not reach back to what we hold leaves a gap: start over.
  if (!before && incoming.hasMore && old.length > 0 && fresh.length > 0) {
    const newestOld = Math.max(...old.map((item) => item.key[0]));
    const oldestFresh = Math.min(...fresh.map((item) => item.key[0]));
    if (oldestFresh > newestOld) return incoming;
  }

  const byId = new Map<string, { message: T; key: SortKey }>();
  for (const item of [...old, ...fresh]) byId.set(item.key[1], item);
  const messages = [...byId.values()]
    .sort((a, b) => a.key[0] - b.key[0] || a.key[1].localeCompare(b.key[1]))
    .map((item) => item.message);

  // Only a page of older messages can tell whether there is more history.
  return { ...incoming, messages, hasMore: before ? incoming.hasMore : existing.hasMore };
}
