import type { ApolloCache } from '@apollo/client';
import { useApolloClient, useQuery } from '@apollo/client/react';
import {
  type FormEvent,
  type KeyboardEvent,
  useCallback,
  useEffect,
  useId,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
} from 'react';
import { graphql } from '../gql';
import type { MessageFieldsFragment } from '../gql/graphql';
import { isFinished, needsBubble, replyClientId } from '../jobs/merge';
import { errorMessage } from '../lib/errors';
import { readItem, writeItem } from '../lib/storage';
import { formatMessageTime } from '../lib/time';
import { useConnection } from '../session';
import { BotReply, type Job } from './BotReply';
import { type Contact, presenceText, removeUnread } from './ContactList';
import { Markdown } from './Markdown';
import { useSendMessage } from './useSendMessage';

const PAGE_SIZE = 30;

export const ConversationQuery = graphql(`
  query Conversation($withUserId: ID!, $before: ID, $limit: Int) {
    conversation(withUserId: $withUserId, before: $before, limit: $limit) {
      hasMore
      messages {
        ...MessageFields
      }
    }
  }
`);

const MarkReadMutation = graphql(`
  mutation MarkRead($messageIds: [ID!]!) {
    markRead(messageIds: $messageIds)
  }
`);

/**
 * Adds a message (live, or just confirmed by the server) to the cached
 * conversation it belongs to, if that conversation has been loaded. The
 * field policy dedupes by id and keeps the order.
 */
export function appendToConversation(cache: ApolloCache, message: MessageFieldsFragment, meId: string): void {
  const peerId = message.from.id === meId ? message.to.id : message.from.id;
  cache.updateQuery({ query: ConversationQuery, variables: { withUserId: peerId } }, (data) => {
    if (!data || data.conversation.messages.some((m) => m.id === message.id)) return undefined;
    return { conversation: { ...data.conversation, messages: [...data.conversation.messages, message] } };
  });
}

type ItemStatus = 'received' | 'sent' | 'read' | 'queued' | 'sending' | 'failed';

interface Item {
  key: string;
  clientId: string | null;
  mine: boolean;
  body: string;
  createdAt: string;
  status: ItemStatus;
  error?: string;
}

/** A bot's reply still being written (or that failed), shown after the messages. */
interface JobItem {
  job: Job;
  messageId: string;
  isLast: boolean;
}

function useDocumentVisible(): boolean {
  const [visible, setVisible] = useState(() => document.visibilityState === 'visible');
  useEffect(() => {
    const update = () => setVisible(document.visibilityState === 'visible');
    document.addEventListener('visibilitychange', update);
    return () => document.removeEventListener('visibilitychange', update);
  }, []);
  return visible;
}

function statusText(status: ItemStatus, online: boolean): string {
  switch (status) {
    case 'sent':
      return 'Sent';
    case 'read':
      return 'Read';
    case 'sending':
      return 'Sending…';
    case 'queued':
      return online ? 'Sending…' : 'Queued';
    case 'failed':
      return 'Not sent';
    default:
      return '';
  }
}

interface ConversationPaneProps {
  meId: string;
  peer: Contact;
  onClose(): void;
}

export function ConversationPane({ meId, peer, onClose }: ConversationPaneProps) {
  const client = useApolloClient();
  const { status } = useConnection();
  const online = status === 'connected';
  const documentVisible = useDocumentVisible();
  const { data, loading, error, fetchMore, refetch } = useQuery(ConversationQuery, {
    variables: { withUserId: peer.id, limit: PAGE_SIZE },
    notifyOnNetworkStatusChange: false,
  });
  const { send, pending, retry, discard } = useSendMessage(peer.id);
  const [loadingOlder, setLoadingOlder] = useState(false);
  const [olderError, setOlderError] = useState<string | null>(null);

  const messages = data?.conversation.messages;
  const hasMore = data?.conversation.hasMore ?? false;

  const items = useMemo<Item[]>(() => {
    const list: Item[] = [];
    const confirmed = new Set<string>();
    for (const m of messages ?? []) {
      if (m.clientId) confirmed.add(m.clientId);
      const mine = m.from.id === meId;
      list.push({
        key: m.id,
        clientId: m.clientId,
        mine,
        body: m.body,
        createdAt: m.createdAt,
        status: mine ? (m.readAt ? 'read' : 'sent') : 'received',
      });
    }
    for (const e of pending) {
      if (confirmed.has(e.clientId)) continue;
      list.push({
        key: `pending:${e.clientId}`,
        clientId: e.clientId,
        mine: true,
        body: e.body,
        createdAt: e.createdAt,
        status: e.status,
        error: e.error,
      });
    }
    return list;
  }, [messages, pending, meId]);

  // --- replies of a bot --------------------------------------------------
  // Every id and clientId in the list: a reply job steps aside once its stored message is here.
  const present = useMemo(() => {
    const set = new Set<string>();
    for (const m of messages ?? []) {
      set.add(m.id);
      if (m.clientId) set.add(m.clientId);
    }
    return set;
  }, [messages]);
  const jobItems = useMemo<JobItem[]>(() => {
    const mineToPeer = (messages ?? []).filter((m) => m.from.id === meId && m.to.id === peer.id);
    const lastId = mineToPeer.at(-1)?.id;
    const list: JobItem[] = [];
    for (const m of mineToPeer) {
      const job = m.job;
      if (!job) continue;
      const isLast = m.id === lastId;
      const replied =
        (job.replyMessageId !== null && present.has(job.replyMessageId)) || present.has(replyClientId(job.id));
      // A finished job's state in the cache is final; a running one may be further along than the cache knows.
      if (isFinished(job.state) && !needsBubble(job, isLast, replied)) continue;
      list.push({ job, messageId: m.id, isLast });
    }
    return list;
  }, [messages, meId, peer.id, present]);

  // --- mark what is on screen as read -------------------------------------
  const marking = useRef(new Set<string>());
  const unreadIds = useMemo(
    () => (messages ?? []).filter((m) => m.from.id === peer.id && m.to.id === meId && !m.readAt).map((m) => m.id),
    [messages, peer.id, meId],
  );
  useEffect(() => {
    if (!documentVisible) return;
    const fresh = unreadIds.filter((id) => !marking.current.has(id));
    if (fresh.length === 0) return;
    for (const id of fresh) marking.current.add(id);
    const readAt = new Date().toISOString();
    client
      .mutate({
        mutation: MarkReadMutation,
        variables: { messageIds: fresh },
        update(cache) {
          for (const id of fresh) {
            cache.modify({ id: cache.identify({ __typename: 'Message', id }), fields: { readAt: () => readAt } });
          }
          removeUnread(cache, fresh);
        },
      })
      .catch(() => {
        // Try again on the next change.
        for (const id of fresh) marking.current.delete(id);
      });
  }, [unreadIds, documentVisible, client]);

  // --- scrolling ---------------------------------------------------------
  const listRef = useRef<HTMLOListElement>(null);
  const stickToBottom = useRef(true);
  const restoreFromBottom = useRef<number | null>(null);
  const lastKey = items.at(-1)?.key;
  // biome-ignore lint/correctness/useExhaustiveDependencies: re-run when messages are added, to keep the scroll position
  useLayoutEffect(() => {
    const el = listRef.current;
    if (!el) return;
    if (restoreFromBottom.current !== null) {
      el.scrollTop = el.scrollHeight - restoreFromBottom.current;
      restoreFromBottom.current = null;
    } else if (stickToBottom.current) {
      el.scrollTop = el.scrollHeight;
    }
  }, [items.length, lastKey, jobItems.length]);

  const onGrow = useCallback(() => {
    const el = listRef.current;
    if (el && stickToBottom.current) el.scrollTop = el.scrollHeight;
  }, []);

  const onScroll = () => {
    const el = listRef.current;
    if (el) stickToBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 80;
  };

  async function loadOlder() {
    const oldest = messages?.[0];
    if (!oldest) return;
    setLoadingOlder(true);
    setOlderError(null);
    const el = listRef.current;
    try {
      if (el) restoreFromBottom.current = el.scrollHeight - el.scrollTop;
      await fetchMore({ variables: { before: oldest.id, limit: PAGE_SIZE } });
    } catch (err) {
      restoreFromBottom.current = null;
      setOlderError(errorMessage(err));
    } finally {
      setLoadingOlder(false);
    }
  }

  // --- composing -----------------------------------------------------------
  const draftKey = `parley.draft.${meId}.${peer.id}`;
  const [draft, setDraft] = useState(() => readItem(draftKey) ?? '');
  useEffect(() => {
    writeItem(draftKey, draft ? draft : null);
  }, [draftKey, draft]);
  const inputId = useId();
  const composerRef = useRef<HTMLTextAreaElement>(null);
  // Opening a conversation puts the next keystroke in its composer.
  useEffect(() => {
    composerRef.current?.focus();
  }, []);
  const titleId = useId();

  const submit = (event?: FormEvent) => {
    event?.preventDefault();
    if (!draft.trim()) return;
    send(draft);
    stickToBottom.current = true;
    setDraft('');
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) submit(event);
  };

  const queuedCount = pending.filter((e) => e.status !== 'failed').length;

  return (
    <section className="pane" aria-labelledby={titleId} data-peer={peer.username}>
      <header className="pane-header">
        <span className="dot" data-online={peer.online ? 'true' : 'false'} aria-hidden="true" />
        <h2 id={titleId}>{peer.username}</h2>
        {peer.isBot && <span className="tag">bot</span>}
        <span className="muted small" title={peer.isBot ? (peer.botStatus ?? undefined) : undefined}>
          {presenceText(peer)}
        </span>
        <button
          type="button"
          className="icon"
          aria-label={`Close conversation with ${peer.username}`}
          title="Close"
          onClick={onClose}
        >
          ×
        </button>
      </header>

      <ol className="messages" ref={listRef} onScroll={onScroll} aria-label={`Messages with ${peer.username}`}>
        {hasMore && (
          <li className="older">
            <button type="button" onClick={() => void loadOlder()} disabled={loadingOlder}>
              {loadingOlder ? 'Loading…' : 'Load older'}
            </button>
            {olderError && <span className="error small">{olderError}</span>}
          </li>
        )}
        {loading && !messages && <li className="muted center">Loading conversation…</li>}
        {error && !messages && (
          <li className="error center" role="alert">
            Could not load this conversation.{' '}
            <button type="button" onClick={() => void refetch()}>
              Try again
            </button>
          </li>
        )}
        {messages && items.length === 0 && (
          <li className="muted center">No messages yet. Say hello to {peer.username}!</li>
        )}
        {items.map((item) => (
          <li
            key={item.key}
            className={`message ${item.mine ? 'mine' : 'theirs'}`}
            data-status={item.status}
            data-client-id={item.clientId ?? undefined}
          >
            <div className="bubble">
              <Markdown text={item.body} />
            </div>
            <div className="meta small">
              <time dateTime={item.createdAt}>{formatMessageTime(item.createdAt)}</time>
              {item.mine && <span className={`status status-${item.status}`}>{statusText(item.status, online)}</span>}
            </div>
            {item.status === 'queued' && item.error && (
              <div className="small muted" role="status">
                {item.error}
              </div>
            )}
            {item.status === 'failed' && item.clientId && (
              <div className="failed small" role="alert">
                {item.error ?? 'The server refused this message.'}{' '}
                <button type="button" onClick={() => item.clientId && retry(item.clientId)}>
                  Retry
                </button>{' '}
                <button type="button" onClick={() => item.clientId && discard(item.clientId)}>
                  Discard
                </button>
              </div>
            )}
          </li>
        ))}
        {jobItems.map(({ job, messageId, isLast }) => (
          <BotReply
            key={job.id}
            job={job}
            messageId={messageId}
            botName={peer.username}
            isLast={isLast}
            present={present}
            onGrow={onGrow}
          />
        ))}
      </ol>

      <form className="composer" onSubmit={submit}>
        {!online && (
          <p className="offline-hint small" role="status">
            Reconnecting... {queuedCount > 0 ? `${queuedCount} queued, ` : ''}messages will be sent when the connection
            is back.
          </p>
        )}
        {online && peer.isBot && !peer.online && (
          <p className="offline-hint small" role="status">
            {peer.username} cannot answer right now
            {peer.botStatus && peer.botStatus !== 'Ready.' ? `: ${peer.botStatus}` : '.'}
          </p>
        )}
        <label htmlFor={inputId} className="visually-hidden">
          Message to {peer.username}
        </label>
        <textarea
          ref={composerRef}
          id={inputId}
          rows={2}
          placeholder={`Message ${peer.username}`}
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
          onKeyDown={onKeyDown}
        />
        <button type="submit" className="primary" disabled={!draft.trim()}>
          Send
        </button>
      </form>
    </section>
  );
}
