import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { UserType } from '../auth/user.type';
import type { Context } from '../context';

@Resolver(() => UserType)
export class BotUserResolver {
  @FieldResolver(() => String, { nullable: true, description: 'For bots: "Ready." or why it cannot answer now.' })
  botStatus(@Root() user: UserType, @Ctx() ctx: Context) {
    return ctx.services.bots.status(user);
  }
}
