import assert from 'node:assert/strict';
import { pollUntil } from '../test/wait-for';
import type { ChatPair } from './chatters';

// What the fault tests check of chatting pairs (chatters.ts): progress, reconnects, and that nothing was lost.

/**
 * Nothing lost, nothing twice: every acknowledged send is stored exactly once (and nothing else is), and the
 * receiver has each stored message, live or from its catch-up (the client merges them by id). Catch-ups run
 * after reconnects, so this waits up to `ms` for them before failing with what is missing.
 */
export async function assertNothingLost(pairs: ChatPair[], ms = 15_000) {
  const deadline = Date.now() + ms;
  for (const pair of pairs) {
    const stored = await pair.stored();
    assert.deepEqual(stored.map((m) => m.clientId).sort(), [...pair.acked].sort(), 'stored = acknowledged');
    for (;;) {
      const seen = new Set([...pair.live, ...pair.caughtUp]);
      const missing = stored.filter((m) => !seen.has(m.id));
      if (!missing.length) break;
      if (Date.now() > deadline)
        assert.fail(`receiver ${pair.receiverId} missed ${missing.length} of ${stored.length} messages`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/** Waits until every pair has had `n` more messages acknowledged than it has now. */
export function progressed(pairs: ChatPair[], n: number) {
  const marks = pairs.map((p) => p.acked.length);
  return pollUntil(async () => (pairs.every((p, i) => p.acked.length >= (marks[i] ?? 0) + n) ? true : undefined));
}

/** Waits until every receiver has reconnected at least once, or fails with the totals so far. */
export async function reconnected(pairs: ChatPair[], ms = 20_000) {
  await pollUntil(async () => (pairs.every((p) => p.reconnects >= 1) ? true : undefined), ms).catch(() =>
    assert.fail(`not every receiver reconnected: ${JSON.stringify(totals(pairs))}`),
  );
}

export const totals = (pairs: ChatPair[]) => ({
  acked: pairs.reduce((n, p) => n + p.acked.length, 0),
  reconnects: pairs.reduce((n, p) => n + p.reconnects, 0),
  refused: pairs.reduce((n, p) => n + (p.failures.get('SERVICE_UNAVAILABLE') ?? 0), 0),
  unanswered: pairs.reduce((n, p) => n + (p.failures.get('network') ?? 0), 0),
});
