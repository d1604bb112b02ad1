import type { FieldFunctionOptions, Reference, TypePolicies } from '@apollo/client';
import { mergePages, type SortKey } from '../chat/conversation-merge';

interface StoredPage {
  __typename?: string;
  messages: Reference[];
  hasMore: boolean;
}

function mergeConversation(
  existing: StoredPage | undefined,
  incoming: StoredPage,
  options: FieldFunctionOptions,
): StoredPage {
  const keyOf = (ref: Reference): SortKey => {
    const createdAt = options.readField<string>('createdAt', ref) ?? '';
    const id = options.readField<string>('id', ref) ?? '';
    return [Date.parse(createdAt) || 0, id];
  };
  return mergePages(existing, incoming, options.args?.before as string | null | undefined, keyOf);
}

export const typePolicies: TypePolicies = {
  Query: {
    fields: {
      conversation: {
        keyArgs: ['withUserId'],
        merge: mergeConversation,
      },
      // One list per search and page size; a page asked for `after` a name goes after the pages already held.
      contacts: {
        keyArgs: ['search', 'limit'],
        merge: (existing: readonly unknown[] | undefined, incoming: readonly unknown[], { args }) =>
          args?.after ? [...(existing ?? []), ...incoming] : incoming,
      },
      unread: { merge: false },
      onlineUsers: { merge: false },
    },
  },
  OnlineUser: { keyFields: false },
  // Once read, a message stays read: a copy written earlier (the answer to sendMessage, an echo) that
  // arrives after the live read mark must not turn it back to unread.
  Message: {
    fields: {
      readAt: { merge: (existing: string | null | undefined, incoming: string | null) => incoming ?? existing ?? null },
    },
  },
  // JobError has no id: a new one simply replaces the old.
  ChatJob: { fields: { error: { merge: false } } },
};
