import type { ApolloCache } from '@apollo/client';
import { graphql } from '../gql';
import type { MessageFieldsFragment } from '../gql/graphql';

export const UnreadQuery = graphql(`
  query Unread {
    unread {
      ...MessageFields
    }
  }
`);

/** A message to me arrived live: count it until someone marks it read. */
export function addUnread(cache: ApolloCache, message: MessageFieldsFragment): void {
  cache.updateQuery({ query: UnreadQuery }, (data) => {
    if (!data || data.unread.some((m) => m.id === message.id)) return undefined;
    return { unread: [...data.unread, message] };
  });
}

export function removeUnread(cache: ApolloCache, ids: readonly string[]): void {
  const gone = new Set(ids);
  cache.updateQuery({ query: UnreadQuery }, (data) => {
    if (!data?.unread.some((m) => gone.has(m.id))) return undefined;
    return { unread: data.unread.filter((m) => !gone.has(m.id)) };
  });
}

/** Everything from one person is read (the conversation was opened). */
export function removeUnreadFrom(cache: ApolloCache, senderId: string): void {
  cache.updateQuery({ query: UnreadQuery }, (data) => {
    if (!data?.unread.some((m) => m.from.id === senderId)) return undefined;
    return { unread: data.unread.filter((m) => m.from.id !== senderId) };
  });
}

/**
 * Read marks that arrived before their message reached this cache (the reader's mark can overtake the
 * answer to my own sendMessage): applied when the message shows up.
 */
const earlyReads = new Map<string, string>();

/** When a message was read: from the cache, or from a read mark that came before it. */
export const readAtOf = (message: { id: string; readAt?: string | null }) =>
  message.readAt ?? earlyReads.get(message.id) ?? null;

/** Read marks that arrived live: the messages show "Read", and leave the unread counts. */
export function markReadInCache(cache: ApolloCache, messageIds: readonly string[], readAt: string): void {
  for (const id of messageIds) {
    const known = cache.modify({ id: cache.identify({ __typename: 'Message', id }), fields: { readAt: () => readAt } });
    if (!known) earlyReads.set(id, readAt);
  }
  removeUnread(cache, messageIds);
}
