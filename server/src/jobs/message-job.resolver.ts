import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { MessageDto } from '../chat/message.dto';
import { MessageType } from '../chat/message.type';
import { type Context, requireViewer } from '../context';
import { ChatJobType } from './chat-job.type';

@Resolver(() => MessageType)
export class MessageJobResolver {
  @FieldResolver(() => ChatJobType, {
    nullable: true,
    description: "On my message to a bot: the bot's reply job (the latest).",
  })
  async job(@Root() message: MessageDto, @Ctx() ctx: Context) {
    const viewer = requireViewer(ctx);
    if (message.from.id !== viewer.id || !message.to.isBot) return null;
    return ctx.jobLoader.load(message.id);
  }
}
