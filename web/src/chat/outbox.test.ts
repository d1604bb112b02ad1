import { describe, expect, it } from 'vitest';
import { confirmEntries, failureOutcome, nextToSend, type OutboxEntry, RETRY_MS, restoreOutbox } from './outbox';

const entry = (clientId: string, status: OutboxEntry['status'] = 'queued'): OutboxEntry => ({
  clientId,
  toUserId: 'u',
  body: `body ${clientId}`,
  createdAt: '2026-01-01T00:00:00Z',
  status,
});

describe('outbox', () => {
  it('queues again what was in flight when the page went away, and ignores garbage', () => {
    expect(restoreOutbox([entry('a', 'sending'), entry('b', 'failed')]).map((e) => e.status)).toEqual([
      'queued',
      'failed',
    ]);
    expect(restoreOutbox('nonsense')).toEqual([]);
    expect(restoreOutbox([null, { clientId: 1 }])).toEqual([]);
  });

  it('sends the oldest queued entry not tried yet', () => {
    const list = [entry('a', 'failed'), entry('b'), entry('c')];
    expect(nextToSend(list, new Set())?.clientId).toBe('b');
    expect(nextToSend(list, new Set(['b']))?.clientId).toBe('c');
    expect(nextToSend(list, new Set(['b', 'c']))).toBeUndefined();
  });

  it('keeps a message through network failures and server errors', () => {
    const base = { message: 'x', retryAfterMs: undefined };
    expect(failureOutcome({ ...base, code: undefined, network: true })).toEqual({
      keep: true,
      error: undefined,
      retryInMs: RETRY_MS,
    });
    expect(failureOutcome({ ...base, code: 'INTERNAL_SERVER_ERROR', network: false }).keep).toBe(true);
  });

  it('waits as long as a rate limit asks, within bounds, and says why', () => {
    const limited = (retryAfterMs: number | undefined) =>
      failureOutcome({ code: 'RATE_LIMITED', network: false, message: 'Slow down', retryAfterMs });
    expect(limited(10_000)).toEqual({ keep: true, error: 'Slow down', retryInMs: 10_000 });
    expect(limited(10)).toMatchObject({ retryInMs: RETRY_MS });
    expect(limited(3_600_000)).toMatchObject({ retryInMs: 60_000 });
    expect(limited(undefined)).toMatchObject({ retryInMs: RETRY_MS });
  });

  it('marks a refused message failed with the reason', () => {
    expect(
      failureOutcome({ code: 'BAD_USER_INPUT', network: false, message: 'Too long', retryAfterMs: undefined }),
    ).toEqual({ keep: false, error: 'Too long' });
  });

  it('drops confirmed entries except one still in flight, and keeps the same list when nothing changes', () => {
    const list = [entry('a'), entry('b', 'sending'), entry('c')];
    expect(confirmEntries(list, ['a', 'b']).map((e) => e.clientId)).toEqual(['b', 'c']);
    expect(confirmEntries(list, ['zzz'])).toBe(list);
  });
});
