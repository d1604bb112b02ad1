import { useQuery } from '@apollo/client/react';
import type { ReactNode } from 'react';
import { AccountControls } from '../auth/AccountControls';
import { graphql } from '../gql';
import { errorMessage } from '../lib/errors';
import './research.css';
import { Workbench } from './Workbench';

const ResearchMeQuery = graphql(`
  query ResearchMe {
    me {
      id
      username
      role
    }
  }
`);

/**
 * /research: for users with the RESEARCHER role, the workbench of the studies they may see: counts, a live
 * participants table, transcripts, charts, previews, cost and the downloads.
 */
export function ResearchPage() {
  const { data, error, refetch } = useQuery(ResearchMeQuery);
  const me = data?.me;

  let body: ReactNode;
  if (!me) {
    body = error ? (
      <div role="alert">
        <p>Could not load your account: {errorMessage(error)}</p>
        <button type="button" onClick={() => void refetch()}>
          Try again
        </button>
      </div>
    ) : (
      <p className="muted">Loading…</p>
    );
  } else if (me.role !== 'RESEARCHER') {
    body = (
      <section className="research-card" role="alert">
        <h1>Researchers only</h1>
        <p>
          This page is for researchers, and your account <strong>{me.username}</strong> does not have the researcher
          role. Please ask the person who runs this Parley to give your account researcher access.
        </p>
        <p>
          <a href="/">Back to the chat</a>
        </p>
      </section>
    );
  } else {
    body = <Workbench />;
  }

  return (
    <div className="app research-app">
      <header className="topbar">
        <span className="brand">
          <span className="logo" aria-hidden="true">
            ◆
          </span>{' '}
          Parley <span className="muted">Research</span>
        </span>
        <a href="/">Chat</a>
        <span className="spacer" />
        <AccountControls username={me?.username} />
      </header>
      <main className="research-main">{body}</main>
    </div>
  );
}
