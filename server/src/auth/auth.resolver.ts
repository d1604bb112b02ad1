import { Arg, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { type Context, requireViewer } from '../context';
import { notFound } from '../errors';
import { AuthPayload } from './auth-payload.type';
import { UserType } from './user.type';

@Resolver()
export class AuthResolver {
  @Query(() => UserType, { description: 'The logged-in user.' })
  async me(@Ctx() ctx: Context) {
    const viewer = requireViewer(ctx);
    const user = await ctx.services.db.user.findUnique({ where: { id: viewer.id } });
    if (!user) throw notFound('Your account no longer exists.');
    return user;
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
