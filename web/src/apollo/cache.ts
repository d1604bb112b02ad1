import type { FieldFunctionOptions, Reference, TypePolicies } from '@apollo/client';

interface StoredPage {
  __typename?: string;
  messages: Reference[];
  hasMore: boolean;
}

function sortKey(options: FieldFunctionOptions, ref: Reference): [number, string] {
  const createdAt = options.readField<string>('createdAt', ref) ?? '';
  const id = options.readField<string>('id', ref) ?? '';
  return [Date.parse(createdAt) || 0, id];
}

/**
 * One cached page list per conversation partner, whatever `before`/`limit`
 * were used: older pages, live messages and refetches are merged by id and
 * kept oldest first.
 */
function mergeConversation(
  existing: StoredPage | undefined,
  incoming: StoredPage,
  options: FieldFunctionOptions,
): StoredPage {
  const before = options.args?.before as string | null | undefined;
  if (!existing) return incoming;

  const keyed = (refs: Reference[]) => refs.map((ref) => ({ ref, key: sortKey(options, ref) }));
  const old = keyed(existing.messages);
  const fresh = keyed(incoming.messages);

  // A first page that does not reach back to what we hold leaves a gap: start over.
  if (!before && incoming.hasMore && old.length > 0 && fresh.length > 0) {
    const newestOld = old.reduce((a, b) => (a.key[0] >= b.key[0] ? a : b));
    const oldestFresh = fresh.reduce((a, b) => (a.key[0] <= b.key[0] ? a : b));
    if (oldestFresh.key[0] > newestOld.key[0]) return incoming;
  }

  const byId = new Map<string, { ref: Reference; key: [number, string] }>();
  for (const item of [...old, ...fresh]) byId.set(item.key[1], item);
  const messages = [...byId.values()]
    .sort((a, b) => a.key[0] - b.key[0] || a.key[1].localeCompare(b.key[1]))
    .map((item) => item.ref);

  return {
    ...incoming,
    messages,
    // Only a page of older messages can tell whether there is more history.
    hasMore: before ? incoming.hasMore : existing.hasMore,
  };
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
