import { useQuery } from '@apollo/client/react';
import { useDeferredValue, useEffect, useMemo, useState } from 'react';
import { formatLastSeen } from '../lib/time';
import { UnreadQuery } from './unread';
import { useContactDirectory } from './useContactDirectory';

export type Contact = NonNullable<ReturnType<typeof useContactDirectory>['contacts']>[number];

/** "online", when a person was last seen, or that a bot cannot answer (its technical reason is the tooltip). */
export function presenceText(contact: Pick<Contact, 'online' | 'isBot' | 'botStatus' | 'lastSeenAt'>): string {
  if (contact.online) return 'online';
  if (contact.isBot) return 'offline';
  return formatLastSeen(contact.lastSeenAt);
}

interface ContactListProps {
  meId: string;
  openIds: readonly string[];
  onOpen(contact: Contact): void;
  /** Told the ids it lists, whenever they change (whose presence it shows). */
  onListed?(ids: string[]): void;
}

export function ContactList({ meId, openIds, onOpen, onListed }: ContactListProps) {
  const [search, setSearch] = useState('');
  // Typing stays smooth: the list follows the search a moment later.
  const term = useDeferredValue(search);
  const { contacts, loading, error, complete, loadingMore, more } = useContactDirectory(term);
  const { data: unreadData } = useQuery(UnreadQuery);

  const unreadBy = useMemo(() => {
    const counts = new Map<string, number>();
    for (const message of unreadData?.unread ?? []) {
      if (message.to.id !== meId || message.readAt) continue;
      counts.set(message.from.id, (counts.get(message.from.id) ?? 0) + 1);
    }
    return counts;
  }, [unreadData, meId]);

  // The tab title tells about unread messages while the window is elsewhere.
  const totalUnread = [...unreadBy.values()].reduce((a, b) => a + b, 0);
  useEffect(() => {
    document.title = totalUnread > 0 ? `(${totalUnread}) Parley` : 'Parley';
    return () => {
      document.title = 'Parley';
    };
  }, [totalUnread]);

  const sorted = useMemo(
    () =>
      [...(contacts ?? [])]
        .filter((c) => c.id !== meId)
        .sort((a, b) => a.username.localeCompare(b.username, undefined, { sensitivity: 'base' })),
    [contacts, meId],
  );

  const listedKey = sorted.map((c) => c.id).join(',');
  useEffect(() => onListed?.(listedKey ? listedKey.split(',') : []), [listedKey, onListed]);

  const onlineCount = sorted.filter((c) => c.online).length;

  return (
    <nav className="contacts" aria-labelledby="contacts-title">
      <h2 id="contacts-title">
        Contacts <span className="muted small">{contacts ? `${onlineCount} online` : ''}</span>
      </h2>
      <input
        type="search"
        className="contact-search"
        placeholder="Search by name"
        aria-label="Search contacts"
        value={search}
        maxLength={64}
        onChange={(e) => setSearch(e.target.value)}
      />
      {loading && !contacts && <p className="muted">Loading contacts…</p>}
      {error && !contacts && (
        <p className="error" role="alert">
          Could not load contacts.
        </p>
      )}
      {contacts && sorted.length === 0 && (
        <p className="muted">{term.trim() ? `Nobody’s name contains “${term.trim()}”.` : 'Nobody else is here yet.'}</p>
      )}
      <ul>
        {sorted.map((contact) => {
          const unread = unreadBy.get(contact.id) ?? 0;
          const detail = presenceText(contact);
          // The visible text in the same order, so that what is seen is what is said ("bob, online, 2 unread").
          const tags = [contact.isBot ? 'bot' : null, contact.role === 'ADMIN' ? 'admin' : null].filter(Boolean);
          const label = [contact.username, ...tags, detail, unread ? `${unread > 99 ? '99+' : unread} unread` : null]
            .filter(Boolean)
            .join(', ');
          const tooltip = contact.isBot
            ? (contact.botStatus ?? detail)
            : contact.online
              ? 'Online'
              : formatLastSeen(contact.lastSeenAt);
          const isOpen = openIds.includes(contact.id);
          return (
            <li key={contact.id}>
              <button
                type="button"
                className={`contact${isOpen ? ' open' : ''}`}
                aria-label={label}
                aria-pressed={isOpen}
                data-online={contact.online ? 'true' : 'false'}
                data-unread={unread}
                title={tooltip}
                data-bot={contact.isBot ? 'true' : undefined}
                onClick={() => onOpen(contact)}
              >
                <span className="dot" data-online={contact.online ? 'true' : 'false'} aria-hidden="true" />
                {/* Spaces between the parts: the visible text reads like the label. */}
                <span className="contact-name">
                  {contact.username} {contact.isBot && <span className="tag tag-bot">bot</span>}{' '}
                  {contact.role === 'ADMIN' && <span className="tag">admin</span>}{' '}
                  <span className="contact-sub muted small">{detail}</span>
                </span>{' '}
                {unread > 0 && <span className="badge">{unread > 99 ? '99+' : unread}</span>}
              </button>
            </li>
          );
        })}
      </ul>
      {contacts && !complete && (
        <button type="button" className="show-more" onClick={() => void more()} disabled={loadingMore}>
          {loadingMore ? 'Loading…' : 'Show more'}
        </button>
      )}
    </nav>
  );
}
