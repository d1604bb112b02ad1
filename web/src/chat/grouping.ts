/** What the list needs to know of a message to group it. */
export interface Groupable {
  key: string;
  senderId: string;
  createdAt: string;
}

export type Row<T> =
  | { kind: 'date'; key: string; label: string }
  | { kind: 'unread'; key: string }
  | { kind: 'message'; key: string; item: T; first: boolean; last: boolean };

/** Messages of one sender this close together form one group (one time stamp, one name). */
const GROUP_MS = 5 * 60_000;

const dayOf = (iso: string) => new Date(iso).toDateString();

/**
 * The rows of a conversation: a date separator at each new day, a "New messages" divider before
 * `firstUnreadKey`, and each message marked as the first and/or last of its group.
 */
export function layoutRows<T extends Groupable>(
  items: readonly T[],
  firstUnreadKey: string | null,
  dayLabel: (iso: string) => string,
): Row<T>[] {
  const rows: Row<T>[] = [];
  items.forEach((item, i) => {
    const previous = items[i - 1];
    const next = items[i + 1];
    const newDay = !previous || dayOf(previous.createdAt) !== dayOf(item.createdAt);
    if (newDay) rows.push({ kind: 'date', key: `date:${dayOf(item.createdAt)}`, label: dayLabel(item.createdAt) });
    const unread = item.key === firstUnreadKey;
    if (unread) rows.push({ kind: 'unread', key: 'unread' });
    const joins = (a: T | undefined, b: T | undefined) =>
      !!a &&
      !!b &&
      a.senderId === b.senderId &&
      dayOf(a.createdAt) === dayOf(b.createdAt) &&
      Math.abs(Date.parse(b.createdAt) - Date.parse(a.createdAt)) < GROUP_MS;
    const first = newDay || unread || !joins(previous, item);
    const last = !joins(item, next) || next?.key === firstUnreadKey;
    rows.push({ kind: 'message', key: item.key, item, first, last });
  });
  return rows;
}
