import { useApolloClient } from '@apollo/client/react';
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useRef, useState } from 'react';
import { graphql } from '../gql';
import type { MessageFieldsFragment } from '../gql/graphql';
import { errorCode, errorMessage, isNetworkFailure, retryAfterMs } from '../lib/errors';
import { readJson, writeJson } from '../lib/storage';
import { newClientId } from '../lib/uuid';
import { useConnection } from '../session';

const SendMessageMutation = graphql(`
  mutation SendMessage($toUserId: ID!, $body: String!, $clientId: String) {
    sendMessage(toUserId: $toUserId, body: $body, clientId: $clientId) {
      ...MessageFields
    }
  }
`);

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

interface OutboxContextValue {
  entries: readonly OutboxEntry[];
  enqueue(toUserId: string, body: string): OutboxEntry;
  retry(clientId: string): void;
  discard(clientId: string): void;
  /** The server confirmed these clientIds (e.g. seen on the subscription). */
  confirm(clientIds: readonly string[]): void;
}

const OutboxContext = createContext<OutboxContextValue | null>(null);

/** Messages at most this long are accepted by the composer (the server decides for real). */
export const MAX_BODY = 4000;

const RETRY_MS = 3_000;

interface OutboxProviderProps {
  meId: string;
  /** Put a confirmed message where the conversation view will find it. */
  onSent(message: MessageFieldsFragment): void;
  children: ReactNode;
}

export function OutboxProvider({ meId, onSent, children }: OutboxProviderProps) {
  const client = useApolloClient();
  const { status, generation } = useConnection();
  const storageKey = `parley.outbox.${meId}`;
  const [entries, setEntries] = useState<OutboxEntry[]>(() =>
    // Anything that was in flight when the page went away is simply queued again.
    readJson<OutboxEntry[]>(storageKey, []).map((e) => (e.status === 'sending' ? { ...e, status: 'queued' } : e)),
  );
  const entriesRef = useRef(entries);
  entriesRef.current = entries;
  const flushing = useRef(false);
  const [retryTick, setRetryTick] = useState(0);
  const onSentRef = useRef(onSent);
  onSentRef.current = onSent;
  const online = status === 'connected';
  const onlineRef = useRef(online);
  onlineRef.current = online;

  useEffect(() => {
    writeJson(storageKey, entries);
  }, [storageKey, entries]);

  const patch = useCallback((clientId: string, change: Partial<OutboxEntry> | null) => {
    setEntries((list) => {
      const next = change
        ? list.map((e) => (e.clientId === clientId ? { ...e, ...change } : e))
        : list.filter((e) => e.clientId !== clientId);
      entriesRef.current = next;
      return next;
    });
  }, []);

  const flush = useCallback(async () => {
    if (flushing.current) return;
    flushing.current = true;
    let retryLater = false;
    let retryIn = RETRY_MS;
    try {
      const tried = new Set<string>();
      while (onlineRef.current) {
        const next = entriesRef.current.find((e) => e.status === 'queued' && !tried.has(e.clientId));
        if (!next) break;
        tried.add(next.clientId);
        patch(next.clientId, { status: 'sending', error: undefined });
        try {
          const { data } = await client.mutate({
            mutation: SendMessageMutation,
            variables: { toUserId: next.toUserId, body: next.body, clientId: next.clientId },
          });
          if (data) onSentRef.current(data.sendMessage);
          patch(next.clientId, null);
        } catch (error) {
          const code = errorCode(error);
          if (isNetworkFailure(error) || code === 'RATE_LIMITED' || code === 'INTERNAL_SERVER_ERROR') {
            // Keep it (and everything after it, to keep the order) for the next try.
            patch(next.clientId, {
              status: 'queued',
              // Too many messages to a bot at once: say why it waits.
              error: code === 'RATE_LIMITED' ? errorMessage(error) : undefined,
            });
            retryLater = true;
            // A rate limit says when to come back (capped, so a long wait still retries now and then).
            if (code === 'RATE_LIMITED')
              retryIn = Math.min(Math.max(retryAfterMs(error) ?? RETRY_MS, RETRY_MS), 60_000);
            break;
          }
          patch(next.clientId, { status: 'failed', error: errorMessage(error) });
        }
      }
    } finally {
      flushing.current = false;
    }
    if (retryLater) setTimeout(() => setRetryTick((n) => n + 1), retryIn);
    else if (onlineRef.current && entriesRef.current.some((e) => e.status === 'queued')) {
      // Something was queued while we were busy.
      setRetryTick((n) => n + 1);
    }
  }, [client, patch]);

  const queuedCount = entries.filter((e) => e.status === 'queued').length;

  // Send when the link comes back, when something new is queued, and on retry ticks.
  // biome-ignore lint/correctness/useExhaustiveDependencies: generation and retryTick are triggers, not inputs
  useEffect(() => {
    if (online && queuedCount > 0) void flush();
  }, [online, generation, queuedCount, retryTick, flush]);

  const enqueue = useCallback((toUserId: string, body: string) => {
    const entry: OutboxEntry = {
      clientId: newClientId(),
      toUserId,
      body,
      createdAt: new Date().toISOString(),
      status: 'queued',
    };
    setEntries((list) => {
      const next = [...list, entry];
      entriesRef.current = next;
      return next;
    });
    return entry;
  }, []);

  const retry = useCallback((clientId: string) => patch(clientId, { status: 'queued', error: undefined }), [patch]);
  const discard = useCallback((clientId: string) => patch(clientId, null), [patch]);
  const confirm = useCallback((clientIds: readonly string[]) => {
    const done = new Set(clientIds);
    setEntries((list) => {
      // An entry in flight is finished by its own mutation.
      if (!list.some((e) => done.has(e.clientId) && e.status !== 'sending')) return list;
      const next = list.filter((e) => !done.has(e.clientId) || e.status === 'sending');
      entriesRef.current = next;
      return next;
    });
  }, []);

  const value = useMemo(
    () => ({ entries, enqueue, retry, discard, confirm }),
    [entries, enqueue, retry, discard, confirm],
  );
  return <OutboxContext.Provider value={value}>{children}</OutboxContext.Provider>;
}

export function useOutbox(): OutboxContextValue {
  const value = useContext(OutboxContext);
  if (!value) throw new Error('useOutbox must be used inside <OutboxProvider>');
  return value;
}

/**
 * Sending to one person: `send(body)` shows the message at once and delivers
 * it now or, while the WebSocket is down, as soon as it is back.
 */
export function useSendMessage(toUserId: string) {
  const { entries, enqueue, retry, discard } = useOutbox();
  const pending = useMemo(() => entries.filter((e) => e.toUserId === toUserId), [entries, toUserId]);
  const send = useCallback(
    (body: string) => {
      const text = body.trim();
      if (!text) return null;
      return enqueue(toUserId, text);
    },
    [enqueue, toUserId],
  );
  return { send, pending, retry, discard };
}
