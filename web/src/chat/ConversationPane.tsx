import { useCallback, useId, useRef, useState } from 'react';
import { errorMessage } from '../lib/errors';
import { useLimits } from '../lib/useLimits';
import { useConnection } from '../session';
import { Composer } from './Composer';
import { type Contact, presenceText } from './ContactList';
import { MessageList } from './MessageList';
import { TypingDots } from './TypingDots';
import { useIsTyping } from './typing';
import { PAGE_SIZE, useConversation } from './useConversation';
import { useMarkConversationRead } from './useMarkConversationRead';
import { useScrollAnchor } from './useScrollAnchor';
import { useSendMessage } from './useSendMessage';

export { appendToConversation, ConversationQuery } from './useConversation';

interface ConversationPaneProps {
  meId: string;
  peer: Contact;
  /** Unread messages from this person when the pane opened: the first page reaches back to them. */
  unreadAtOpen: number;
  onClose(): void;
  /** On a phone: back to the contact list (the conversation stays open). */
  onBack(): void;
  /** On screen (on a phone, only the conversation in front is). */
  shown: boolean;
  /** Changes when the user opens this conversation: the composer takes the focus. */
  focusKey: number;
}

/** One open conversation: header, messages, composer. */
export function ConversationPane({
  meId,
  peer,
  unreadAtOpen,
  onClose,
  onBack,
  shown,
  focusKey,
}: ConversationPaneProps) {
  const { status } = useConnection();
  const online = status === 'connected';
  const { send, pending, retry, discard } = useSendMessage(peer.id);
  // The first page reaches back to the first unread message, within the server's largest page.
  const maxPage = useLimits()?.maxConversationPage ?? PAGE_SIZE;
  const { query, messages, items, present, jobItems, hasMore } = useConversation(
    meId,
    peer,
    pending,
    unreadAtOpen,
    maxPage,
  );
  const firstUnread = useMarkConversationRead(meId, peer.id, messages, shown);
  const typing = useIsTyping(peer.id);
  const [olderError, setOlderError] = useState<string | null>(null);
  const [loadingOlder, setLoadingOlder] = useState(false);
  const titleId = useId();
  const listRef = useRef<HTMLOListElement>(null);

  const oldestId = messages?.[0]?.id;
  const { fetchMore } = query;
  const loadOlder = useCallback(async () => {
    if (!oldestId) return;
    setLoadingOlder(true);
    setOlderError(null);
    try {
      await fetchMore({ variables: { before: oldestId, limit: PAGE_SIZE } });
    } catch (error) {
      setOlderError(errorMessage(error));
      throw error;
    } finally {
      setLoadingOlder(false);
    }
  }, [oldestId, fetchMore]);

  const contentKey = `${items[0]?.key}:${items.at(-1)?.key}:${items.length}:${jobItems.length}`;
  const scroll = useScrollAnchor(listRef, { contentKey, ready: messages !== undefined, hasMore, loadOlder });
  const queuedCount = pending.filter((e) => e.status !== 'failed').length;

  const header = (
    <>
      {hasMore && (
        <li className="older">
          <button type="button" onClick={() => void loadOlder().catch(() => undefined)} disabled={loadingOlder}>
            {loadingOlder ? 'Loading…' : 'Load older'}
          </button>
          {olderError && <span className="error small">{olderError}</span>}
        </li>
      )}
      {query.loading && !messages && <li className="muted center">Loading conversation…</li>}
      {query.error && !messages && (
        <li className="error center" role="alert">
          Could not load this conversation.{' '}
          <button type="button" onClick={() => void query.refetch()}>
            Try again
          </button>
        </li>
      )}
      {messages && items.length === 0 && (
        <li className="muted center">No messages yet. Say hello to {peer.username}!</li>
      )}
    </>
  );

  return (
    <section className="pane" aria-labelledby={titleId} data-peer={peer.username}>
      <header className="pane-header">
        <button type="button" className="back-button" onClick={onBack} aria-label="Back to contacts">
          ‹ Contacts
        </button>
        <span className="dot" data-online={peer.online ? 'true' : 'false'} aria-hidden="true" />
        <h2 id={titleId}>{peer.username}</h2>
        {peer.isBot && <span className="tag tag-bot">bot</span>}
        <span className="muted small pane-presence">{presenceText(peer)}</span>
        <button
          type="button"
          className="icon close-button"
          aria-label={`Close conversation with ${peer.username}`}
          title="Close"
          onClick={onClose}
        >
          ×
        </button>
      </header>
      <MessageList
        ref={listRef}
        peer={peer}
        items={items}
        jobItems={jobItems}
        present={present}
        firstUnread={firstUnread}
        online={online}
        header={header}
        onScroll={scroll.onScroll}
        onGrow={scroll.onGrow}
        retry={retry}
        discard={discard}
      />
      <p className="typing-line small muted" aria-live="polite">
        {typing && (
          <>
            <TypingDots label={`${peer.username} is typing`} /> {peer.username} is typing…
          </>
        )}
      </p>
      <Composer
        focusKey={focusKey}
        meId={meId}
        peer={peer}
        online={online}
        queuedCount={queuedCount}
        send={(body) => {
          send(body);
          scroll.stickToBottom();
        }}
      />
    </section>
  );
}
