import { describe, expect, it } from 'vitest';
import { layoutRows } from './grouping';

const at = (key: string, senderId: string, createdAt: string) => ({ key, senderId, createdAt });
const label = (iso: string) => iso.slice(0, 10);
const shape = (rows: ReturnType<typeof layoutRows>) =>
  rows.map((r) => (r.kind === 'message' ? `${r.key}${r.first ? '<' : ''}${r.last ? '>' : ''}` : r.kind));

describe('layoutRows', () => {
  it('groups one sender’s messages within minutes, and starts a new group for the other sender', () => {
    const rows = layoutRows(
      [
        at('a', 'me', '2026-03-01T10:00:00'),
        at('b', 'me', '2026-03-01T10:01:00'),
        at('c', 'you', '2026-03-01T10:02:00'),
        at('d', 'you', '2026-03-01T10:30:00'),
      ],
      null,
      label,
    );
    expect(shape(rows)).toEqual(['date', 'a<', 'b>', 'c<>', 'd<>']);
  });

  it('puts a date separator at each new day', () => {
    const rows = layoutRows([at('a', 'me', '2026-03-01T23:59:00'), at('b', 'me', '2026-03-02T00:00:30')], null, label);
    expect(shape(rows)).toEqual(['date', 'a<>', 'date', 'b<>']);
    expect(rows.filter((r) => r.kind === 'date').map((r) => (r.kind === 'date' ? r.label : ''))).toEqual([
      '2026-03-01',
      '2026-03-02',
    ]);
  });

  it('puts the "New messages" divider before the first unread, which starts a group', () => {
    const rows = layoutRows(
      [
        at('a', 'you', '2026-03-01T10:00:00'),
        at('b', 'you', '2026-03-01T10:00:10'),
        at('c', 'you', '2026-03-01T10:00:20'),
      ],
      'b',
      label,
    );
    expect(shape(rows)).toEqual(['date', 'a<>', 'unread', 'b<', 'c>']);
  });
});
