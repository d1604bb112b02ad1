import { useApolloClient, useQuery } from '@apollo/client/react';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { AdminPanel } from '../admin/AdminPanel';
import { AccountControls } from '../auth/AccountControls';
import { graphql } from '../gql';
import type { MessageFieldsFragment } from '../gql/graphql';
import { errorMessage } from '../lib/errors';
import { useConnection, useSession } from '../session';
import { type Contact, ContactList, useContacts } from './ContactList';
import { appendToConversation, ConversationPane } from './ConversationPane';
import { LiveUpdates } from './LiveUpdates';
import { OutboxProvider } from './useSendMessage';

const MeQuery = graphql(`
  query Me {
    me {
      id
      username
      role
    }
  }
`);

/** How many conversations can be open side by side. */
const MAX_PANES = 4;

function ConnectionBadge() {
  const { status } = useConnection();
  const text = status === 'connected' ? 'Connected' : status === 'connecting' ? 'Connecting...' : 'Reconnecting...';
  return (
    <span className={`connection connection-${status}`} role="status" aria-live="polite">
      <span className="dot" data-online={status === 'connected' ? 'true' : 'false'} aria-hidden="true" />
      {text}
    </span>
  );
}

export function ChatShell() {
  const { signOut } = useSession();
  const client = useApolloClient();
  const { data, error, refetch } = useQuery(MeQuery);
  const me = data?.me;
  const { generation } = useConnection();

  // The first load failed (server restarting?): try again whenever the link comes back.
  const failed = useRef(false);
  failed.current = !me && !!error;
  useEffect(() => {
    if (generation > 0 && failed.current) void refetch();
  }, [generation, refetch]);

  const onSent = useCallback(
    (message: MessageFieldsFragment) => {
      if (me) appendToConversation(client.cache, message, me.id);
    },
    [client, me],
  );

  if (!me) {
    return (
      <main className="loading-screen">
        {error ? (
          <div role="alert">
            <p>Could not load your account: {errorMessage(error)}</p>
            <button type="button" onClick={() => void refetch()}>
              Try again
            </button>{' '}
            <button type="button" onClick={() => signOut()}>
              Log out
            </button>
          </div>
        ) : (
          <p className="muted">Loading…</p>
        )}
      </main>
    );
  }

  return (
    <OutboxProvider meId={me.id} onSent={onSent}>
      <LiveUpdates meId={me.id} watchAll={me.role === 'ADMIN'} />
      <div className="app">
        <header className="topbar">
          <h1 className="brand">
            <span className="logo" aria-hidden="true">
              ◆
            </span>{' '}
            Parley
          </h1>
          <ConnectionBadge />
          {me.role === 'RESEARCHER' && (
            <a className="topbar-link" href="/research">
              Research
            </a>
          )}
          <span className="spacer" />
          <AccountControls username={me.username} />
        </header>
        <Workspace meId={me.id} isAdmin={me.role === 'ADMIN'} />
      </div>
    </OutboxProvider>
  );
}

function Workspace({ meId, isAdmin }: { meId: string; isAdmin: boolean }) {
  const { contacts } = useContacts();
  const [openIds, setOpenIds] = useState<string[]>([]);
  const [adminOpen, setAdminOpen] = useState(false);

  const byId = useMemo(() => new Map((contacts ?? []).map((c) => [c.id, c])), [contacts]);

  const open = useCallback((contact: Contact) => {
    setOpenIds((ids) => {
      if (ids.includes(contact.id)) return ids;
      const next = [...ids, contact.id];
      return next.length > MAX_PANES ? next.slice(next.length - MAX_PANES) : next;
    });
  }, []);

  const close = useCallback((id: string) => setOpenIds((ids) => ids.filter((x) => x !== id)), []);

  const panes = openIds.map((id) => byId.get(id)).filter((c): c is Contact => c !== undefined);

  return (
    <div className="workspace">
      <aside className="sidebar">
        <ContactList meId={meId} openIds={openIds} onOpen={open} />
        {isAdmin && (
          <button
            type="button"
            className="admin-toggle"
            aria-pressed={adminOpen}
            onClick={() => setAdminOpen((v) => !v)}
          >
            {adminOpen ? 'Hide admin panel' : 'Admin panel'}
          </button>
        )}
      </aside>
      <main className="panes" data-count={panes.length + (adminOpen ? 1 : 0)}>
        {isAdmin && adminOpen && <AdminPanel meId={meId} />}
        {panes.map((peer) => (
          <ConversationPane key={peer.id} meId={meId} peer={peer} onClose={() => close(peer.id)} />
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
