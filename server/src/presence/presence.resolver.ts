import { Arg, Ctx, FieldResolver, ID, Int, Query, Resolver, Root, Subscription } from 'type-graphql';
import { UserType } from '../auth/user.type';
import { type Context, requireViewer } from '../context';
import { AppError } from '../errors';
import { parseId } from '../ids';
import { contactsPage, DEFAULT_CONTACTS_PAGE, MAX_CONTACTS_PAGE, usersByIds } from './contacts-page';
import type { PresenceChange } from './presence.service';
import { PresenceEvent } from './presence-event.type';

/** Whose presence one subscription may follow: the contacts on a screen, not a whole directory. */
const MAX_WATCHED = 500;

@Resolver(() => UserType)
export class PresenceResolver {
  @Query(() => [UserType], {
    description: `Other users (bots included) by name, a page at a time: those whose name contains \`search\`, after the name \`after\`; at most \`limit\` (1 to ${MAX_CONTACTS_PAGE}, default ${DEFAULT_CONTACTS_PAGE}). A full page means there may be more.`,
  })
  contacts(
    @Arg('search', () => String, { nullable: true }) search: string | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Arg('limit', () => Int, { nullable: true }) limit: number | null,
    @Ctx() ctx: Context,
  ) {
    return contactsPage(ctx.services.db, requireViewer(ctx).id, { search, after, limit });
  }

  @Query(() => [UserType], {
    description: `The users of these ids (at most ${MAX_CONTACTS_PAGE}), by name; unknown ids are left out.`,
  })
  users(@Arg('ids', () => [ID]) ids: string[], @Ctx() ctx: Context) {
    requireViewer(ctx);
    return usersByIds(ctx.services.db, ids);
  }

  @FieldResolver(() => Boolean, { description: 'Whether the user has a live connection now.' })
  online(@Root() user: UserType & { online?: boolean }, @Ctx() ctx: Context) {
    return user.online ?? ctx.onlineLoader.load(user.id);
  }

  @Subscription(() => PresenceEvent, {
    description: `Users going online or offline: those in userIds (at most ${MAX_WATCHED}, e.g. the contacts on screen), or every user when userIds is omitted.`,
    subscribe: async ({ args, context }) => {
      const ctx = context as Context;
      requireViewer(ctx);
      return ctx.services.presence.follow(watchedIds(args.userIds as string[] | null | undefined));
    },
  })
  presenceChanged(
    @Arg('userIds', () => [ID], { nullable: true }) _userIds: string[] | null,
    @Root() change: PresenceChange,
  ) {
    return change;
  }
}

function watchedIds(userIds: string[] | null | undefined): string[] | null {
  if (userIds === null || userIds === undefined) return null;
  if (userIds.length > MAX_WATCHED) {
    throw new AppError('BAD_USER_INPUT', `At most ${MAX_WATCHED} userIds.`, {
      field: 'userIds',
      reason: 'TOO_MANY_USER_IDS',
    });
  }
  return [...new Set(userIds.map((id) => parseId(id, 'userIds')))];
}
