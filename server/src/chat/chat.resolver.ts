import { Arg, Ctx, ID, Int, Mutation, Query, Resolver, Root, Subscription } from 'type-graphql';
import { type Context, requireViewer } from '../context';
import { ChatJobType } from '../jobs/chat-job.type';
import { userMessagesTopic } from './chat.topics';
import type { MessageDto } from './message.dto';
import { MessageType } from './message.type';
import { MessagePage } from './message-page.type';
import { missedSince, replayThenLive } from './missed-messages';
import { ReadMarks } from './read-marks';
import { type ReadReceipt, ReadReceiptType, userReadsTopic } from './read-receipt.type';
import { regenerateReply } from './regenerate';

const readMarks = (ctx: Context) => new ReadMarks(ctx.services.db, ctx.services.pubsub);

@Resolver(() => MessageType)
export class ChatResolver {
  @Query(() => MessagePage, {
    description: 'History with one user, newest last; page back with `before` (a message id).',
  })
  conversation(
    @Arg('withUserId', () => ID) withUserId: string,
    @Arg('before', () => ID, { nullable: true }) before: string | null,
    @Arg('limit', () => Int, { nullable: true, description: '1 to 200, default 50.' }) limit: number | null,
    @Ctx() ctx: Context,
  ) {
    return ctx.services.chat.conversation(requireViewer(ctx), withUserId, before, limit);
  }

  @Query(() => [MessageType], { description: 'Messages sent to me that I have not read, oldest first.' })
  unread(@Ctx() ctx: Context) {
    return ctx.services.chat.unread(requireViewer(ctx));
  }

  @Mutation(() => MessageType, { description: 'Idempotent per clientId: a retry returns the stored message.' })
  async sendMessage(
    @Arg('toUserId', () => ID) toUserId: string,
    @Arg('body', () => String) body: string,
    @Arg('clientId', () => String, { nullable: true }) clientId: string | null,
    @Ctx() ctx: Context,
  ) {
    const { message } = await ctx.services.chat.send(requireViewer(ctx), { toUserId, body, clientId }, ctx.requestId);
    return message;
  }

  @Mutation(() => Int, { description: 'Marks messages sent to me as read; returns how many changed.' })
  markRead(@Arg('messageIds', () => [ID]) messageIds: string[], @Ctx() ctx: Context) {
    return readMarks(ctx).messages(requireViewer(ctx), messageIds);
  }

  @Mutation(() => Int, {
    description: 'Marks everything withUserId sent me as read (opening the conversation); returns how many changed.',
  })
  markConversationRead(@Arg('withUserId', () => ID) withUserId: string, @Ctx() ctx: Context) {
    return readMarks(ctx).conversation(requireViewer(ctx), withUserId);
  }

  @Mutation(() => ChatJobType, {
    description:
      "A new reply of a bot: messageId is one of the bot's replies to me, or my message to a bot. Counted against the same limits as a message to a bot.",
  })
  regenerateReply(@Arg('messageId', () => ID) messageId: string, @Ctx() ctx: Context) {
    return regenerateReply(ctx.services.db, ctx.services.jobs, requireViewer(ctx), messageId, ctx.requestId);
  }

  @Subscription(() => ReadReceiptType, {
    description: 'Read marks, live: of messages I sent (read by their recipient), and those I read in another tab.',
    subscribe: ({ context }) => {
      const ctx = context as Context;
      return ctx.services.pubsub.iterate<ReadReceipt>(userReadsTopic(requireViewer(ctx).id));
    },
  })
  messagesRead(@Root() receipt: ReadReceipt) {
    return receipt;
  }

  @Subscription(() => MessageType, {
    description:
      'Messages to me, and those I send (for my other tabs). With `after` (the newest message this client holds), it first replays what came since (at most 500), so a client that reconnects misses nothing.',
    subscribe: ({ args, context }) => {
      const ctx = context as Context;
      const viewer = requireViewer(ctx);
      const topic = userMessagesTopic(viewer.id);
      const after = (args as { after?: string | null }).after;
      if (!after) return ctx.services.pubsub.iterate<MessageDto>(topic);
      return replayThenLive(ctx.services.pubsub, topic, () => missedSince(ctx.services.db, viewer.id, after));
    },
  })
  messageReceived(@Root() message: MessageDto, @Arg('after', () => ID, { nullable: true }) _after: string | null) {
    return message;
  }
}
