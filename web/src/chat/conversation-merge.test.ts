import { describe, expect, it } from 'vitest';
import { type MessagePage, mergePages, type SortKey } from './conversation-merge';

interface M {
  id: string;
  at: number;
}
const keyOf = (m: M): SortKey => [m.at, m.id];
const page = (hasMore: boolean, ...messages: M[]): MessagePage<M> => ({ messages, hasMore });
const m = (id: string, at: number): M => ({ id, at });
const ids = (p: MessagePage<M>) => p.messages.map((x) => x.id);

describe('mergePages', () => {
  it('takes the first page as it is', () => {
    const first = page(true, m('a', 1));
    expect(mergePages(undefined, first, null, keyOf)).toBe(first);
  });

  it('puts an older page before what is held and takes its hasMore', () => {
    const merged = mergePages(page(true, m('c', 3), m('d', 4)), page(false, m('a', 1), m('b', 2)), 'c', keyOf);
    expect(ids(merged)).toEqual(['a', 'b', 'c', 'd']);
    expect(merged.hasMore).toBe(false);
  });

  it('dedupes by id and sorts by time then id, keeping hasMore from what was held for a newest page', () => {
    const merged = mergePages(page(true, m('b', 2), m('a', 2)), page(false, m('c', 3), m('b', 2)), null, keyOf);
    expect(ids(merged)).toEqual(['a', 'b', 'c']);
    expect(merged.hasMore).toBe(true);
  });

  it('starts over when a newest page leaves a gap after what is held', () => {
    const incoming = page(true, m('x', 50), m('y', 51));
    expect(mergePages(page(false, m('a', 1)), incoming, null, keyOf)).toBe(incoming);
  });

  it('a live message appended to the cached page keeps its place', () => {
    const merged = mergePages(page(false, m('a', 1)), page(false, m('a', 1), m('live', 9)), null, keyOf);
    expect(ids(merged)).toEqual(['a', 'live']);
  });
});
