import { Ctx, Field, Int, ObjectType, Query, Resolver } from 'type-graphql';
import { MAX_PAGE } from '../chat/chat.service';
import type { Context } from '../context';
import { TYPING_SHOWN_SECONDS, TYPING_THROTTLE_SECONDS } from '../presence/typing.resolver';

@ObjectType('Limits', { description: 'The limits this server enforces, for clients to show (the server decides).' })
export class LimitsType {
  @Field(() => Int, { description: 'Characters in one chat message.' })
  maxMessageChars!: number;

  @Field(() => Int, { description: 'Messages one person may send per minute.' })
  messagesPerMinute!: number;

  @Field(() => Int, { description: 'Model replies of one person running at once.' })
  chatMaxConcurrent!: number;

  @Field(() => Int, { description: 'Images attached to one message to a model.' })
  maxImagesPerTurn!: number;

  @Field(() => Int, { description: 'Bytes of one image (as sent, base64 decoded).' })
  maxImageBytes!: number;

  @Field(() => Int, { description: 'Messages in one page of a conversation.' })
  maxConversationPage!: number;

  @Field(() => Int, { description: 'Seconds between two typing signals that reach the other person.' })
  typingThrottleSeconds!: number;

  @Field(() => Int, { description: 'Seconds a typing indicator stays without a new signal.' })
  typingShownSeconds!: number;
}

@Resolver(() => LimitsType)
export class LimitsResolver {
  @Query(() => LimitsType, { description: 'The limits the server enforces, from its configuration. Public.' })
  limits(@Ctx() ctx: Context): LimitsType {
    const config = ctx.services.config;
    return {
      maxMessageChars: config.MAX_MESSAGE_CHARS,
      messagesPerMinute: config.MESSAGES_PER_MINUTE,
      chatMaxConcurrent: config.CHAT_MAX_CONCURRENT,
      maxImagesPerTurn: config.MAX_IMAGES_PER_TURN,
      maxImageBytes: config.MAX_IMAGE_BYTES,
      maxConversationPage: MAX_PAGE,
      typingThrottleSeconds: TYPING_THROTTLE_SECONDS,
      typingShownSeconds: TYPING_SHOWN_SECONDS,
    };
  }
}
