import { Arg, Ctx, Field, ID, Int, Mutation, ObjectType, Resolver, Root, Subscription } from 'type-graphql';
import type { RateLimit } from '../auth/rate-limiter';
import { type Context, requireViewer } from '../context';
import { AppError, badInput } from '../errors';
import { parseId } from '../ids';
import type { Services } from '../services';

/** How often one person's typing reaches one other person, at most (a signal per keystroke is dropped). */
export const TYPING_THROTTLE_SECONDS = 2;
/** How long an indicator stays without a new signal. */
export const TYPING_SHOWN_SECONDS = 5;

@ObjectType('TypingEvent', { description: 'Someone is writing to me. Never stored; it fades after expiresInSeconds.' })
export class TypingEventType {
  @Field(() => ID)
  fromUserId!: string;

  @Field(() => Int)
  expiresInSeconds!: number;
}

const typingTopic = (userId: string) => `typing:${userId}`;

// One limiter per deployment (Redis or this process), made on first use.
const limiters = new WeakMap<Services, RateLimit>();
function throttle(services: Services): RateLimit {
  let limit = limiters.get(services);
  if (!limit) {
    limit = services.rateLimits.limit({ name: 'typing', points: 1, durationSeconds: TYPING_THROTTLE_SECONDS });
    limiters.set(services, limit);
  }
  return limit;
}

@Resolver(() => TypingEventType)
export class TypingResolver {
  @Mutation(() => Boolean, {
    description: `I am writing to toUserId. At most one signal per ${TYPING_THROTTLE_SECONDS} s is passed on (the rest return false).`,
  })
  async typing(@Arg('toUserId', () => ID) toUserId: string, @Ctx() ctx: Context): Promise<boolean> {
    const viewer = requireViewer(ctx);
    const to = parseId(toUserId, 'toUserId');
    if (to === viewer.id) throw badInput('You cannot write to yourself.', 'toUserId');
    try {
      // Counted atomically before anything is published, per writer and reader.
      await throttle(ctx.services).consume(`${viewer.id}:${to}`);
    } catch (error) {
      if (error instanceof AppError && error.extensions.code === 'RATE_LIMITED') return false;
      throw error;
    }
    const event: TypingEventType = { fromUserId: viewer.id, expiresInSeconds: TYPING_SHOWN_SECONDS };
    await ctx.services.pubsub.publish(typingTopic(to), event);
    return true;
  }

  @Subscription(() => TypingEventType, {
    description: 'People writing to me, live.',
    subscribe: ({ context }) => {
      const ctx = context as Context;
      return ctx.services.pubsub.iterate<TypingEventType>(typingTopic(requireViewer(ctx).id));
    },
  })
  typingChanged(@Root() event: TypingEventType) {
    return event;
  }
}
