import { useApolloClient } from '@apollo/client/react';
import { useEffect, useRef, useState } from 'react';
import { graphql } from '../gql';
import type { MessageFieldsFragment } from '../gql/graphql';
import { useDocumentVisible } from '../lib/useDocumentVisible';
import { removeUnreadFrom } from './unread';

const MarkConversationReadMutation = graphql(`
  mutation MarkConversationRead($withUserId: ID!) {
    markConversationRead(withUserId: $withUserId)
  }
`);

/**
 * While the conversation is open and the page visible, everything the peer sent is marked read on the
 * server in one call (and again when more arrives). Returns the first message that was unread when the
 * conversation opened: the "New messages" divider goes above it.
 */
export function useMarkConversationRead(
  meId: string,
  peerId: string,
  messages: readonly MessageFieldsFragment[] | undefined,
  shown: boolean,
) {
  const client = useApolloClient();
  const visible = useDocumentVisible() && shown;
  const [firstUnread, setFirstUnread] = useState<string | null | undefined>(undefined);
  const busy = useRef(false);
  // Bumped after a successful call: messages that arrived meanwhile get a call of their own.
  const [round, setRound] = useState(0);
  const unread = (messages ?? []).filter((m) => m.from.id === peerId && m.to.id === meId && !m.readAt);

  useEffect(() => {
    if (messages && firstUnread === undefined) setFirstUnread(unread[0]?.id ?? null);
  }, [messages, firstUnread, unread]);

  const count = unread.length;
  // biome-ignore lint/correctness/useExhaustiveDependencies: unread is re-derived from messages; count says when it grew
  useEffect(() => {
    if (!visible || count === 0 || busy.current) return;
    busy.current = true;
    const ids = unread.map((m) => m.id);
    const readAt = new Date().toISOString();
    client
      .mutate({
        mutation: MarkConversationReadMutation,
        variables: { withUserId: peerId },
        update(cache) {
          for (const id of ids) {
            cache.modify({ id: cache.identify({ __typename: 'Message', id }), fields: { readAt: () => readAt } });
          }
          removeUnreadFrom(cache, peerId);
        },
      })
      .then(() => {
        busy.current = false;
        setRound((n) => n + 1);
      })
      .catch(() => {
        // Tried again when more arrives or the page comes back into view.
        busy.current = false;
      });
  }, [visible, count, peerId, client, round]);

  return firstUnread ?? null;
}
