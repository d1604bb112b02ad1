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
      contacts: { merge: false },
      unread: { merge: false },
      onlineUsers: { merge: false },
    },
  },
  OnlineUser: { keyFields: false },
  // JobError has no id: a new one simply replaces the old.
  ChatJob: { fields: { error: { merge: false } } },
};
