import { useApolloClient, useQuery } from '@apollo/client/react';
import { useCallback, useEffect, useRef, useState } from 'react';
import { AccountControls } from '../auth/AccountControls';
import { graphql } from '../gql';
import type { MessageFieldsFragment } from '../gql/graphql';
import { errorMessage } from '../lib/errors';
import { useLimits } from '../lib/useLimits';
import { useConnection, useSession } from '../session';
import { LiveUpdates } from './LiveUpdates';
import { appendToConversation } from './useConversation';
import { OutboxProvider } from './useSendMessage';
import { Workspace } from './Workspace';

const MeQuery = graphql(`
  query Me {
    me {
      id
      username
      role
    }
  }
`);

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
  useLimits(); // read once up front: a conversation's first page size depends on them
  const { signOut } = useSession();
  const client = useApolloClient();
  const { data, error, refetch } = useQuery(MeQuery);
  const me = data?.me;
  const { generation } = useConnection();
  const [adminOpen, setAdminOpen] = useState(false);
  // Whose presence is on screen, as the workspace reports it; the live presence follows only them.
  const [shown, setShown] = useState<string[] | undefined>(undefined);

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
      <LiveUpdates meId={me.id} watchAll={me.role === 'ADMIN'} watchIds={shown} />
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
          {me.role === 'ADMIN' && (
            <button
              type="button"
              className="admin-toggle"
              aria-pressed={adminOpen}
              onClick={() => setAdminOpen((v) => !v)}
            >
              {adminOpen ? 'Hide admin panel' : 'Admin panel'}
            </button>
          )}
          <AccountControls username={me.username} />
        </header>
        <Workspace meId={me.id} isAdmin={me.role === 'ADMIN'} adminOpen={adminOpen} onShown={setShown} />
      </div>
    </OutboxProvider>
  );
}
