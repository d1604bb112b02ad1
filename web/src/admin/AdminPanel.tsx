import { useMutation, useQuery } from '@apollo/client/react';
import { useEffect, useState } from 'react';
import { presenceEvents } from '../chat/LiveUpdates';
import { graphql } from '../gql';
import { errorMessage } from '../lib/errors';
import { formatMessageTime } from '../lib/time';
import { QuotaEditor } from './QuotaEditor';
import { UsagePanel } from './UsagePanel';

const OnlineUsersQuery = graphql(`
  query OnlineUsers {
    onlineUsers {
      user {
        id
        username
        role
        isBot
      }
      connections {
        id
        connectedAt
      }
    }
  }
`);

const EndSessionsMutation = graphql(`
  mutation EndSessions($userId: ID!) {
    endSessions(userId: $userId)
  }
`);

export function AdminPanel({ meId }: { meId: string }) {
  const { data, loading, error, refetch } = useQuery(OnlineUsersQuery, {
    fetchPolicy: 'cache-and-network',
    pollInterval: 10_000,
  });
  const [endSessions, { loading: ending }] = useMutation(EndSessionsMutation);
  const [result, setResult] = useState<{ text: string; error: boolean } | null>(null);

  useEffect(() => {
    const onChange = () => void refetch();
    presenceEvents.addEventListener('change', onChange);
    return () => presenceEvents.removeEventListener('change', onChange);
  }, [refetch]);

  async function end(userId: string, username: string) {
    setResult(null);
    try {
      const { data: ended } = await endSessions({ variables: { userId } });
      const count = ended?.endSessions ?? 0;
      setResult({ text: `Ended ${count} session${count === 1 ? '' : 's'} of ${username}.`, error: false });
      void refetch();
    } catch (err) {
      setResult({ text: errorMessage(err), error: true });
    }
  }

  const rows = data?.onlineUsers ?? [];

  return (
    <>
      <section className="admin" aria-labelledby="admin-title">
        <header className="pane-header">
          <h2 id="admin-title">Admin: who is online</h2>
          <button type="button" onClick={() => void refetch()}>
            Refresh
          </button>
        </header>
        {result && (
          <p className={result.error ? 'error' : 'notice'} role={result.error ? 'alert' : 'status'}>
            {result.text}
          </p>
        )}
        {loading && !data && <p className="muted">Loading…</p>}
        {error && (
          <p className="error" role="alert">
            {errorMessage(error)}
          </p>
        )}
        {data && rows.length === 0 && <p className="muted">Nobody is online.</p>}
        {rows.length > 0 && (
          <table>
            <thead>
              <tr>
                <th scope="col">User</th>
                <th scope="col">Connections</th>
                <th scope="col">Connected at</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map(({ user, connections }) => {
                const sorted = [...connections].sort((a, b) => a.connectedAt.localeCompare(b.connectedAt));
                return (
                  <tr key={user.id}>
                    <th scope="row">
                      <span className="dot" data-online="true" aria-hidden="true" /> {user.username}
                      {user.id === meId && <span className="tag">you</span>}
                      {user.role === 'ADMIN' && <span className="tag">admin</span>}
                      {user.isBot && <span className="tag">bot</span>}
                    </th>
                    <td>{connections.length}</td>
                    <td>
                      <ul className="connections">
                        {sorted.map((c) => (
                          <li key={c.id} title={`Connection ${c.id}`}>
                            {formatMessageTime(c.connectedAt)}
                          </li>
                        ))}
                      </ul>
                    </td>
                    <td>
                      <button
                        type="button"
                        className="danger"
                        disabled={ending}
                        aria-label={`End sessions of ${user.username}`}
                        onClick={() => void end(user.id, user.username)}
                      >
                        End sessions
                      </button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </section>
      <UsagePanel />
      <QuotaEditor />
    </>
  );
}
