import { Arg, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { type Context, requireViewer } from '../context';
import { AuthPayload } from './auth-payload.type';
import { UserType } from './user.type';

@Resolver()
export class AuthResolver {
  @Query(() => UserType, { description: 'The logged-in user.' })
  me(@Ctx() ctx: Context): UserType {
    // The session check of this operation read the account as it is now (bots hold no sessions).
    const { id, username, role, lastSeenAt } = requireViewer(ctx);
    return { id, username, role, lastSeenAt, isBot: false };
  }

  @Mutation(() => AuthPayload)
  register(
    @Arg('username', () => String) username: string,
    @Arg('password', () => String) password: string,
    @Ctx() ctx: Context,
  ) {
    return ctx.services.auth.register({ username, password }, ctx.ip);
  }

  @Mutation(() => AuthPayload)
  login(
    @Arg('username', () => String) username: string,
    @Arg('password', () => String) password: string,
    @Ctx() ctx: Context,
  ) {
    return ctx.services.auth.login({ username, password }, ctx.ip);
  }

  @Mutation(() => Boolean, { description: 'Revokes the token of this request at once, everywhere.' })
  async logout(@Ctx() ctx: Context) {
    await ctx.services.auth.logout(requireViewer(ctx));
    return true;
  }
}
