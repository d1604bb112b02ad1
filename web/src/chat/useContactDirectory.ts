import { useQuery } from '@apollo/client/react';
import { useState } from 'react';
import { graphql } from '../gql';

// The server's own default page.
export const CONTACTS_PAGE = 100;

export const ContactsQuery = graphql(`
  query Contacts($search: String, $after: String, $limit: Int) {
    contacts(search: $search, after: $after, limit: $limit) {
      ...ContactFields
    }
  }
`);

/**
 * The directory a page at a time, by name: everyone, or those whose name contains `search` (the server pages
 * and searches, so thousands of users are never all sent). `more()` loads the next page; `complete` once a page
 * came back short.
 */
export function useContactDirectory(search: string) {
  const term = search.trim();
  const { data, loading, error, fetchMore } = useQuery(ContactsQuery, {
    variables: { search: term || null, limit: CONTACTS_PAGE },
  });
  const contacts = data?.contacts;
  // The search whose last page came back short (a first short page says so by itself).
  const [exhausted, setExhausted] = useState<string | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const complete = !!contacts && (contacts.length < CONTACTS_PAGE || exhausted === term);

  async function more() {
    const last = contacts?.at(-1);
    if (!last || complete || loadingMore) return;
    setLoadingMore(true);
    try {
      const next = await fetchMore({ variables: { after: last.username } });
      if ((next.data?.contacts.length ?? 0) < CONTACTS_PAGE) setExhausted(term);
    } finally {
      setLoadingMore(false);
    }
  }
  return { contacts, loading, error, complete, loadingMore, more };
}
