/**
 * A message the user wrote that the server has not confirmed yet: shown at
 * once (the optimistic message), kept in localStorage, and sent with the same
 * clientId until the server has it (sendMessage is idempotent per clientId).
 */
export interface OutboxEntry {
  clientId: string;
  toUserId: string;
  body: string;
  createdAt: string;
  status: 'queued' | 'sending' | 'failed';
  error?: string;
}

export const RETRY_MS = 3_000;
const MAX_RETRY_MS = 60_000;

/** Anything that was in flight when the page went away is simply queued again. */
export function restoreOutbox(saved: unknown): OutboxEntry[] {
  if (!Array.isArray(saved)) return [];
  return (saved as OutboxEntry[])
    .filter((e) => e && typeof e.clientId === 'string' && typeof e.body === 'string')
    .map((e) => (e.status === 'sending' ? { ...e, status: 'queued' } : e));
}

/** The next entry to send in this flush: the oldest queued one not tried yet (order is kept). */
export function nextToSend(entries: readonly OutboxEntry[], tried: ReadonlySet<string>): OutboxEntry | undefined {
  return entries.find((e) => e.status === 'queued' && !tried.has(e.clientId));
}

export interface SendFailure {
  code: string | undefined;
  network: boolean;
  message: string;
  retryAfterMs: number | undefined;
}

export type FailureOutcome =
  | { keep: true; error: string | undefined; retryInMs: number }
  | { keep: false; error: string };

/**
 * What a failed send means: a passing problem (network, rate limit, server error) keeps the
 * entry queued (and everything after it, to keep the order) for a later try; a refusal marks it failed.
 */
export function failureOutcome(failure: SendFailure): FailureOutcome {
  const { code } = failure;
  if (failure.network || code === 'RATE_LIMITED' || code === 'INTERNAL_SERVER_ERROR') {
    if (code !== 'RATE_LIMITED') return { keep: true, error: undefined, retryInMs: RETRY_MS };
    // A rate limit says when to come back (capped, so a long wait still retries now and then).
    const retryInMs = Math.min(Math.max(failure.retryAfterMs ?? RETRY_MS, RETRY_MS), MAX_RETRY_MS);
    return { keep: true, error: failure.message, retryInMs };
  }
  return { keep: false, error: failure.message };
}

/** Drops the entries the server confirmed (seen live); an entry in flight is finished by its own mutation. */
export function confirmEntries(list: OutboxEntry[], clientIds: readonly string[]): OutboxEntry[] {
  const done = new Set(clientIds);
  if (!list.some((e) => done.has(e.clientId) && e.status !== 'sending')) return list;
  return list.filter((e) => !done.has(e.clientId) || e.status === 'sending');
}
