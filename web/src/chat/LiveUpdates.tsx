import { useApolloClient, useSubscription } from '@apollo/client/react';
import { useEffect, useRef, useState } from 'react';
import { graphql } from '../gql';
import { useConnection } from '../session';
import { typingEnded, typingSeen } from './typing';
import { addUnread, markReadInCache } from './unread';
import { appendToConversation } from './useConversation';
import { useOutbox } from './useSendMessage';

const MessageReceivedSubscription = graphql(`
  subscription MessageReceived($after: ID) {
    messageReceived(after: $after) {
      ...MessageFields
    }
  }
`);

const PresenceChangedSubscription = graphql(`
  subscription PresenceChanged($userIds: [ID!]) {
    presenceChanged(userIds: $userIds) {
      online
      at
      user {
        id
        username
        isBot
        botStatus
      }
    }
  }
`);

const MessagesReadSubscription = graphql(`
  subscription MessagesRead {
    messagesRead {
      readerId
      senderId
      messageIds
      readAt
    }
  }
`);

const TypingChangedSubscription = graphql(`
  subscription TypingChanged {
    typingChanged {
      fromUserId
      expiresInSeconds
    }
  }
`);

/** The server's cap on userIds; past it, a client follows everyone's presence. */
const MAX_WATCHED = 500;

/** Fires on every presence change, for views that cannot follow through the cache (the admin panel). */
export const presenceEvents = new EventTarget();

/**
 * The subscriptions of a signed-in client (messages, read marks, typing, presence). They write into the Apollo
 * cache, so every view (contacts, panes, badges) follows on its own.
 */
export function LiveUpdates({
  meId,
  watchAll = false,
  watchIds,
}: {
  meId: string;
  watchAll?: boolean;
  /** Whose presence is on screen (undefined until known); the admin panel needs everyone's. */
  watchIds?: string[];
}) {
  const client = useApolloClient();
  const userIds = watchAll || (watchIds && watchIds.length > MAX_WATCHED) ? null : watchIds;
  const { confirm } = useOutbox();
  const { generation } = useConnection();
  const lastPresenceAt = useRef(new Map<string, number>());
  // After a reconnect the subscription starts again from the newest message this client holds: the server
  // replays what came meanwhile (merged by id, so nothing shows twice).
  const lastMessageId = useRef<string | null>(null);
  const [resumeAfter, setResumeAfter] = useState<string | null>(null);

  useSubscription(MessageReceivedSubscription, {
    variables: { after: resumeAfter },
    ignoreResults: true,
    // An anchor the server no longer knows: follow from now on (the refetch below catches up).
    onError: () => setResumeAfter(null),
    onData: ({ data }) => {
      const message = data.data?.messageReceived;
      if (!message) return;
      lastMessageId.current = message.id;
      appendToConversation(client.cache, message, meId);
      if (message.to.id === meId && message.from.id !== meId && !message.readAt) addUnread(client.cache, message);
      // Sent by me (this tab or another): the server has it, so it leaves the outbox.
      if (message.from.id === meId && message.clientId) confirm([message.clientId]);
      typingEnded(message.from.id);
    },
  });

  // Read marks, live: my messages turn "Read"; what I read in another tab leaves the unread counts.
  useSubscription(MessagesReadSubscription, {
    ignoreResults: true,
    onData: ({ data }) => {
      const receipt = data.data?.messagesRead;
      if (receipt) markReadInCache(client.cache, receipt.messageIds, receipt.readAt);
    },
  });

  useSubscription(TypingChangedSubscription, {
    ignoreResults: true,
    onData: ({ data }) => {
      const event = data.data?.typingChanged;
      if (event) typingSeen(event.fromUserId, event.expiresInSeconds);
    },
  });

  useSubscription(PresenceChangedSubscription, {
    variables: { userIds },
    skip: userIds === undefined,
    ignoreResults: true,
    onData: ({ data }) => {
      const event = data.data?.presenceChanged;
      if (!event) return;
      const at = Date.parse(event.at) || Date.now();
      const seen = lastPresenceAt.current.get(event.user.id);
      if (seen !== undefined && seen > at) return; // older than what we know
      lastPresenceAt.current.set(event.user.id, at);
      const id = client.cache.identify({ __typename: 'User', id: event.user.id });
      if (!id) return;
      const known = client.cache.modify({
        id,
        fields: {
          online: () => event.online,
          lastSeenAt: (previous) => (event.online ? previous : event.at),
        },
      });
      // Someone new (just signed up): load the contact list again.
      if (!known && event.user.id !== meId) void client.refetchQueries({ include: ['Contacts'] });
      presenceEvents.dispatchEvent(new Event('change'));
    },
  });

  // Back after a disconnect: catch up with what the subscriptions missed.
  const firstGeneration = useRef(generation);
  useEffect(() => {
    if (generation > firstGeneration.current && generation > 1) {
      setResumeAfter(lastMessageId.current);
      void client.refetchObservableQueries();
    }
  }, [generation, client]);

  return null;
}
