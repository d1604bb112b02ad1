import { forwardRef, useMemo } from 'react';
import { formatDay } from '../lib/time';
import { BotReply } from './BotReply';
import type { Contact } from './ContactList';
import { layoutRows } from './grouping';
import { MessageItem } from './MessageItem';
import type { Item, JobItem } from './useConversation';

interface MessageListProps {
  peer: Contact;
  items: readonly Item[];
  jobItems: readonly JobItem[];
  present: ReadonlySet<string>;
  firstUnread: string | null;
  online: boolean;
  /** Rows above the messages: loading, errors, the empty state, "Load older". */
  header: React.ReactNode;
  onScroll(): void;
  onGrow(): void;
  retry(clientId: string): void;
  discard(clientId: string): void;
}

/** The messages with date separators, groups and the "New messages" divider, then replies being written. */
export const MessageList = forwardRef<HTMLOListElement, MessageListProps>(function MessageList(props, ref) {
  const { peer, items, jobItems, present, firstUnread, online, header, onScroll, onGrow, retry, discard } = props;
  const rows = useMemo(() => layoutRows(items, firstUnread, formatDay), [items, firstUnread]);
  // For a bot's reply: the message of mine it answered (the latest before it).
  const triggers = useMemo(() => {
    const map = new Map<string, string | null>();
    let lastMine: string | null = null;
    for (const item of items) {
      if (item.mine) lastMine = item.messageId;
      else map.set(item.key, lastMine);
    }
    return map;
  }, [items]);
  return (
    <ol className="messages" ref={ref} onScroll={onScroll} aria-label={`Messages with ${peer.username}`}>
      {header}
      {rows.map((row) => {
        if (row.kind === 'date')
          return (
            <li key={row.key} className="date-separator">
              <span>{row.label}</span>
            </li>
          );
        if (row.kind === 'unread')
          return (
            <li key={row.key} className="unread-divider" data-divider="unread">
              <span>New messages</span>
            </li>
          );
        return (
          <MessageItem
            key={row.key}
            item={row.item}
            first={row.first}
            last={row.last}
            online={online}
            botReply={peer.isBot && !row.item.mine}
            triggerId={triggers.get(row.key) ?? null}
            retry={retry}
            discard={discard}
          />
        );
      })}
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
  );
});
