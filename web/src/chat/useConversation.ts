import type { ApolloCache } from '@apollo/client';
import { useQuery } from '@apollo/client/react';
import { useMemo, useState } from 'react';
import { graphql } from '../gql';
import type { MessageFieldsFragment } from '../gql/graphql';
import type { Job } from '../jobs/follow';
import { isFinished, needsBubble, replyClientId } from '../jobs/merge';
import type { Contact } from './ContactList';
import type { OutboxEntry } from './outbox';
import { readAtOf } from './unread';

export const PAGE_SIZE = 30;

export const ConversationQuery = graphql(`
  query Conversation($withUserId: ID!, $before: ID, $limit: Int) {
    conversation(withUserId: $withUserId, before: $before, limit: $limit) {
      hasMore
      messages {
        ...MessageFields
      }
    }
  }
`);

/** Adds a message (live, or just confirmed) to the cached conversation it belongs to, if that one is loaded. */
export function appendToConversation(cache: ApolloCache, message: MessageFieldsFragment, meId: string): void {
  const peerId = message.from.id === meId ? message.to.id : message.from.id;
  cache.updateQuery({ query: ConversationQuery, variables: { withUserId: peerId } }, (data) => {
    if (!data || data.conversation.messages.some((m) => m.id === message.id)) return undefined;
    return { conversation: { ...data.conversation, messages: [...data.conversation.messages, message] } };
  });
}

export type ItemStatus = 'received' | 'sent' | 'read' | 'queued' | 'sending' | 'failed';

export interface Item {
  key: string;
  /** The stored message's id (none while it waits in the outbox). */
  messageId: string | null;
  clientId: string | null;
  senderId: string;
  mine: boolean;
  body: string;
  createdAt: string;
  status: ItemStatus;
  /** A bot's reply that was stopped before its end. */
  stopped: boolean;
  error?: string;
}

/** A bot's reply still being written (or that failed), shown after the messages. */
export interface JobItem {
  job: Job;
  messageId: string;
  isLast: boolean;
}

function toItems(messages: readonly MessageFieldsFragment[], pending: readonly OutboxEntry[], meId: string): Item[] {
  const confirmed = new Set(messages.flatMap((m) => (m.clientId ? [m.clientId] : [])));
  const stored = messages.map<Item>((m) => {
    const mine = m.from.id === meId;
    const status = mine ? (readAtOf(m) ? 'read' : 'sent') : 'received';
    return {
      key: m.id,
      messageId: m.id,
      clientId: m.clientId,
      senderId: m.from.id,
      mine,
      body: m.body,
      createdAt: m.createdAt,
      status,
      stopped: m.stopped,
    };
  });
  const waiting = pending
    .filter((e) => !confirmed.has(e.clientId))
    .map<Item>((e) => ({
      key: `pending:${e.clientId}`,
      messageId: null,
      clientId: e.clientId,
      senderId: meId,
      mine: true,
      body: e.body,
      createdAt: e.createdAt,
      status: e.status,
      stopped: false,
      error: e.error,
    }));
  return [...stored, ...waiting];
}

function toJobItems(
  messages: readonly MessageFieldsFragment[],
  present: ReadonlySet<string>,
  meId: string,
  peerId: string,
): JobItem[] {
  const mineToPeer = messages.filter((m) => m.from.id === meId && m.to.id === peerId);
  const lastId = mineToPeer.at(-1)?.id;
  return mineToPeer.flatMap((m) => {
    const job = m.job;
    if (!job) return [];
    const isLast = m.id === lastId;
    const replied =
      (job.replyMessageId !== null && present.has(job.replyMessageId)) || present.has(replyClientId(job.id));
    // A finished job's state in the cache is final; a running one may be further along than the cache knows.
    if (isFinished(job.state) && !needsBubble(job, isLast, replied)) return [];
    return [{ job, messageId: m.id, isLast }];
  });
}

/**
 * One conversation: its messages (enough to reach back to the first unread one), the outbox's messages
 * to this person, and the bot replies still being written.
 */
export function useConversation(
  meId: string,
  peer: Contact,
  pending: readonly OutboxEntry[],
  unreadAtOpen: number,
  maxPage: number,
) {
  const [limit] = useState(() => Math.min(maxPage, Math.max(PAGE_SIZE, unreadAtOpen + 10)));
  const query = useQuery(ConversationQuery, {
    variables: { withUserId: peer.id, limit },
    notifyOnNetworkStatusChange: false,
  });
  const messages = query.data?.conversation.messages;
  const items = useMemo(() => toItems(messages ?? [], pending, meId), [messages, pending, meId]);
  // Every id and clientId in the list: a reply job steps aside once its stored message is here.
  const present = useMemo(
    () => new Set((messages ?? []).flatMap((m) => (m.clientId ? [m.id, m.clientId] : [m.id]))),
    [messages],
  );
  const jobItems = useMemo(
    () => toJobItems(messages ?? [], present, meId, peer.id),
    [messages, present, meId, peer.id],
  );
  return { query, messages, items, present, jobItems, hasMore: query.data?.conversation.hasMore ?? false };
}
