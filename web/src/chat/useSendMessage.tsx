import { useApolloClient } from '@apollo/client/react';
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useRef, useState } from 'react';
import { graphql } from '../gql';
import type { MessageFieldsFragment } from '../gql/graphql';
import { errorCode, errorMessage, isNetworkFailure, retryAfterMs } from '../lib/errors';
import { readJson, writeJson } from '../lib/storage';
import { newClientId } from '../lib/uuid';
import { useConnection } from '../session';
import { confirmEntries, failureOutcome, nextToSend, type OutboxEntry, RETRY_MS, restoreOutbox } from './outbox';

const SendMessageMutation = graphql(`
  mutation SendMessage($toUserId: ID!, $body: String!, $clientId: String) {
    sendMessage(toUserId: $toUserId, body: $body, clientId: $clientId) {
      ...MessageFields
    }
  }
`);

interface OutboxContextValue {
  entries: readonly OutboxEntry[];
  enqueue(toUserId: string, body: string): OutboxEntry;
  retry(clientId: string): void;
  discard(clientId: string): void;
  /** The server confirmed these clientIds (e.g. seen on the subscription). */
  confirm(clientIds: readonly string[]): void;
}

const OutboxContext = createContext<OutboxContextValue | null>(null);

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
    restoreOutbox(readJson<unknown>(storageKey, [])),
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
        const next = nextToSend(entriesRef.current, tried);
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
          const outcome = failureOutcome({
            code: errorCode(error),
            network: isNetworkFailure(error),
            message: errorMessage(error),
            retryAfterMs: retryAfterMs(error),
          });
          if (!outcome.keep) {
            patch(next.clientId, { status: 'failed', error: outcome.error });
            continue;
          }
          patch(next.clientId, { status: 'queued', error: outcome.error });
          retryLater = true;
          retryIn = outcome.retryInMs;
          break;
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
    setEntries((list) => {
      const next = confirmEntries(list, clientIds);
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
