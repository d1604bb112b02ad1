import type { ApolloClient } from '@apollo/client';
import type { Job } from './follow';
import { CancelChatMutation, RegenerateReplyMutation, RetryChatMutation } from './operations';

/** Stops a queued or running reply; the server keeps what was said so far. */
export async function cancelJob(client: ApolloClient, id: string): Promise<Job | null> {
  const { data } = await client.mutate({ mutation: CancelChatMutation, variables: { id } });
  return data?.cancelChat ?? null;
}

/** A failed or stopped job run again as a new job. */
export async function retryJob(client: ApolloClient, id: string): Promise<Job | null> {
  const { data } = await client.mutate({ mutation: RetryChatMutation, variables: { id } });
  return data?.retryChat ?? null;
}

/** A new reply to the message a bot's reply answered (or to my message to a bot). */
export async function regenerateReply(client: ApolloClient, messageId: string): Promise<Job | null> {
  const { data } = await client.mutate({ mutation: RegenerateReplyMutation, variables: { messageId } });
  return data?.regenerateReply ?? null;
}
