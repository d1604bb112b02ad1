import { Arg, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import { type Context, requireRole } from '../context';
import { parseId } from '../ids';
import { OnlineUser } from './online-user.type';

@Resolver()
export class AdminResolver {
  @Query(() => [OnlineUser], { description: 'ADMIN only: who is online, with their open connections.' })
  async onlineUsers(@Ctx() ctx: Context): Promise<OnlineUser[]> {
    requireRole(ctx, 'ADMIN');
    const connections = await ctx.services.presence.connections();
    const users = await ctx.services.db.user.findMany({
      where: { id: { in: [...new Set(connections.map((c) => c.userId))] } },
      orderBy: { username: 'asc' },
    });
    return users.map((user) => ({
      user: { ...user, online: true },
      connections: connections
        .filter((c) => c.userId === user.id)
        .map((c) => ({ id: c.connId, connectedAt: new Date(c.connectedAt) })),
    }));
  }

  @Mutation(() => Int, {
    description: 'ADMIN only: revokes every token of a user and closes their sockets; returns the tokens revoked.',
  })
  endSessions(@Arg('userId', () => ID) userId: string, @Ctx() ctx: Context) {
    requireRole(ctx, 'ADMIN');
    return ctx.services.auth.endSessions(parseId(userId, 'userId'));
  }
}
