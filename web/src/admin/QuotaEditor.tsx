import { useMutation, useQuery } from '@apollo/client/react';
import { type FormEvent, useDeferredValue, useState } from 'react';
import { graphql } from '../gql';
import { ErrorNote } from '../research/ErrorNote';

// The directory is paged: the admin finds a user by name rather than scrolling through everyone.
const QuotaUsersQuery = graphql(`
  query QuotaUsers($search: String) {
    contacts(search: $search, limit: 50) {
      id
      username
      isBot
    }
  }
`);

const ChatQuotaQuery = graphql(`
  query ChatQuota($userId: ID!) {
    chatQuota(userId: $userId) {
      userId
      requestsPerDay
      tokensPerDay
      overridden
      requestsToday
      tokensToday
    }
  }
`);

const SetChatQuotaMutation = graphql(`
  mutation SetChatQuota($userId: ID!, $requestsPerDay: Int, $tokensPerDay: Int) {
    setChatQuota(userId: $userId, requestsPerDay: $requestsPerDay, tokensPerDay: $tokensPerDay) {
      userId
      requestsPerDay
      tokensPerDay
      overridden
      requestsToday
      tokensToday
    }
  }
`);

const parse = (text: string) => (text.trim() === '' ? null : Number(text));

/** ADMIN: a user's daily model-call quota (their role's, or an override), today's use, and the override. */
export function QuotaEditor() {
  const [search, setSearch] = useState('');
  const term = useDeferredValue(search.trim());
  const users = useQuery(QuotaUsersQuery, { variables: { search: term || null } });
  const people = (users.data?.contacts ?? users.previousData?.contacts ?? []).filter((u) => !u.isBot);
  const [userId, setUserId] = useState('');
  const quota = useQuery(ChatQuotaQuery, { variables: { userId }, skip: !userId, fetchPolicy: 'network-only' });
  const [save, saving] = useMutation(SetChatQuotaMutation);
  const [requests, setRequests] = useState('');
  const [tokens, setTokens] = useState('');
  const [saved, setSaved] = useState<string | null>(null);
  const q = quota.data?.chatQuota;

  async function submit(event: FormEvent) {
    event.preventDefault();
    setSaved(null);
    const { data } = await save({
      variables: { userId, requestsPerDay: parse(requests), tokensPerDay: parse(tokens) },
    }).catch(() => ({ data: null }));
    if (!data) return;
    // ChatQuota has no id, so the cache does not merge the mutation's answer into the query's: read it again.
    await quota.refetch();
    setSaved(data.setChatQuota.overridden ? 'Override saved.' : 'Override removed: the role’s quota applies.');
  }

  return (
    <section className="admin" aria-labelledby="quota-title">
      <header className="pane-header">
        <h2 id="quota-title">Admin: daily chat quotas</h2>
      </header>
      <ErrorNote error={users.error ?? quota.error ?? saving.error} />
      <label>
        Find a user{' '}
        <input
          type="search"
          value={search}
          maxLength={64}
          placeholder="Part of the name"
          onChange={(e) => setSearch(e.target.value)}
        />
      </label>{' '}
      <label>
        User{' '}
        <select value={userId} onChange={(e) => setUserId(e.target.value)}>
          <option value="">Choose a user</option>
          {people.map((u) => (
            <option key={u.id} value={u.id}>
              {u.username}
            </option>
          ))}
        </select>
      </label>
      {q && (
        <form onSubmit={(e) => void submit(e)} key={q.userId}>
          <p data-testid="quota-today">
            Today: {q.requestsToday} calls of {q.requestsPerDay ?? 'no limit'}, {q.tokensToday} tokens of{' '}
            {q.tokensPerDay ?? 'no limit'} ({q.overridden ? 'override' : 'the role’s quota'}).
          </p>
          <label>
            Calls per day (empty: the role’s){' '}
            <input type="number" min={0} value={requests} onChange={(e) => setRequests(e.target.value)} />
          </label>{' '}
          <label>
            Tokens per day (empty: the role’s){' '}
            <input type="number" min={0} value={tokens} onChange={(e) => setTokens(e.target.value)} />
          </label>{' '}
          <button type="submit" disabled={saving.loading}>
            Save
          </button>
          {saved && <span role="status">{saved}</span>}
        </form>
      )}
    </section>
  );
}
