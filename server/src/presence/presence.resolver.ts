import { Ctx, FieldResolver, Query, Resolver, Root, Subscription } from 'type-graphql';
import { UserType } from '../auth/user.type';
import { type Context, requireViewer } from '../context';
import type { PresenceChange } from './presence.service';
import { PRESENCE_TOPIC } from './presence.topics';
import { PresenceEvent } from './presence-event.type';

@Resolver(() => UserType)
export class PresenceResolver {
  @Query(() => [UserType], { description: 'Every other user (bots included), by name.' })
  contacts(@Ctx() ctx: Context) {
    const viewer = requireViewer(ctx);
    return ctx.services.db.user.findMany({ where: { id: { not: viewer.id } }, orderBy: { username: 'asc' } });
  }

  @FieldResolver(() => Boolean, { description: 'Whether the user has a live connection now.' })
  online(@Root() user: UserType & { online?: boolean }, @Ctx() ctx: Context) {
    return user.online ?? ctx.onlineLoader.load(user.id);
  }

  @Subscription(() => PresenceEvent, {
    description: 'Every user going online or offline.',
    subscribe: ({ context }) => {
      const ctx = context as Context;
      requireViewer(ctx);
      return ctx.services.pubsub.iterate<PresenceChange>(PRESENCE_TOPIC);
    },
  })
  presenceChanged(@Root() change: PresenceChange) {
    return change;
  }
}
