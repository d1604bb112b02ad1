import { InMemoryCache } from '@apollo/client';
import { describe, expect, it } from 'vitest';
import { ContactsQuery } from '../chat/useContactDirectory';
import { typePolicies } from './cache';

const user = (name: string) => ({
  __typename: 'User' as const,
  id: `id-${name}`,
  username: name,
  online: false,
  isBot: false,
  botStatus: null,
  lastSeenAt: null,
  role: 'USER' as const,
});
const names = (cache: InMemoryCache, search: string | null) =>
  cache.readQuery({ query: ContactsQuery, variables: { search, limit: 2 } })?.contacts.map((u) => u.username);

describe('the contacts field in the cache', () => {
  it('appends a page asked for after a name, keeps one list per search, and a new first page replaces the list', () => {
    const cache = new InMemoryCache({ typePolicies });
    const write = (search: string | null, after: string | null, users: string[]) =>
      cache.writeQuery({
        query: ContactsQuery,
        variables: { search, after, limit: 2 },
        data: { contacts: users.map(user) },
      });
    write(null, null, ['ann', 'bob']);
    write(null, 'bob', ['cat', 'dan']);
    expect(names(cache, null)).toEqual(['ann', 'bob', 'cat', 'dan']);

    write('an', null, ['ann', 'dan']);
    expect(names(cache, 'an')).toEqual(['ann', 'dan']);
    expect(names(cache, null), 'a search has a list of its own').toEqual(['ann', 'bob', 'cat', 'dan']);

    write(null, null, ['ann', 'bea']);
    expect(names(cache, null), 'the first page again (a refetch) starts the list over').toEqual(['ann', 'bea']);
  });
});
