import { useQuery } from '@apollo/client/react';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { AdminPanel } from '../admin/AdminPanel';
import { PHONE_QUERY, useMediaQuery } from '../lib/useMediaQuery';
import { type Contact, ContactList } from './ContactList';
import { ConversationPane } from './ConversationPane';
import { UnreadQuery } from './unread';
import { useContactDirectory } from './useContactDirectory';
import { useOpenContacts } from './useOpenContacts';
import { MAX_PANES, useOpenConversations } from './useOpenConversations';

interface WorkspaceProps {
  meId: string;
  isAdmin: boolean;
  adminOpen: boolean;
  /** Told whose presence is on screen (the contact list and the open conversations). */
  onShown?(userIds: string[]): void;
}

/**
 * The contacts and the open conversations: side by side on a wide screen; on a phone two screens,
 * the contact list or the conversation (with a back button).
 */
export function Workspace({ meId, isAdmin, adminOpen, onShown }: WorkspaceProps) {
  // The directory's first pages (everyone, unsearched): a pane opened from them needs no round trip.
  const { contacts } = useContactDirectory('');
  const { data: unread } = useQuery(UnreadQuery);
  const { openIds, activeId, openCount, open, close, back } = useOpenConversations(meId);
  const phone = useMediaQuery(PHONE_QUERY);
  const openContacts = useOpenContacts(openIds);
  const [listed, setListed] = useState<string[]>([]);
  const shownKey = [...new Set([...listed, ...openIds])].sort().join(',');
  useEffect(() => onShown?.(shownKey ? shownKey.split(',') : []), [shownKey, onShown]);
  const byId = useMemo(
    () => new Map([...(contacts ?? []), ...(openContacts ?? [])].map((c) => [c.id, c])),
    [contacts, openContacts],
  );
  const unreadFrom = useCallback(
    (id: string) => unread?.unread.filter((m) => m.from.id === id && !m.readAt).length ?? 0,
    [unread],
  );
  const panes = openIds.map((id) => byId.get(id)).filter((c): c is Contact => c !== undefined);
  const screen = activeId && byId.has(activeId) ? 'conversation' : 'contacts';

  return (
    <div className="workspace" data-screen={screen}>
      <aside className="sidebar">
        <ContactList meId={meId} openIds={openIds} onOpen={open} onListed={setListed} />
      </aside>
      <main className="panes" data-count={panes.length + (adminOpen ? 1 : 0)}>
        {isAdmin && adminOpen && <AdminPanel meId={meId} />}
        {panes.map((peer) => (
          <div key={peer.id} className="pane-slot" data-active={peer.id === activeId ? 'true' : 'false'}>
            <ConversationPane
              meId={meId}
              peer={peer}
              unreadAtOpen={unreadFrom(peer.id)}
              // On a phone only the conversation in front is on screen (and may be marked read).
              shown={!phone || peer.id === activeId}
              focusKey={peer.id === activeId ? openCount : 0}
              onClose={() => close(peer.id)}
              onBack={back}
            />
          </div>
        ))}
        {panes.length === 0 && !adminOpen && (
          <div className="empty">
            <p>Pick someone in your contacts to start a conversation.</p>
            <p className="muted small">You can keep up to {MAX_PANES} conversations open side by side.</p>
          </div>
        )}
      </main>
    </div>
  );
}
