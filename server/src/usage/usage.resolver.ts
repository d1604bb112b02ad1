import { Arg, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import { type Context, requireRole, requireViewer } from '../context';
import { badInput } from '../errors';
import { parseId } from '../ids';
import { researchStudy } from '../study/research-access';
import { usageByDay } from './admin-usage';
import { chatQuota, setChatQuota } from './chat-quota';
import { studyUsage } from './study-usage';
import { ChatQuotaType, StudyUsage, UsageRow } from './usage.type';

@Resolver()
export class UsageResolver {
  @Query(() => StudyUsage, {
    description: 'RESEARCHER: tokens and cost of a study’s model calls, by condition and model, and its budget.',
  })
  studyUsage(
    @Arg('slug', () => String) slug: string,
    @Arg('includePreviews', () => Boolean, { defaultValue: false }) includePreviews: boolean,
    @Ctx() ctx: Context,
  ) {
    return studyUsage(ctx.services.db, researchStudy(ctx, slug), includePreviews);
  }

  @Query(() => [UsageRow], { description: 'ADMIN: model calls per UTC day, user, bot, study and model.' })
  usageReport(
    @Arg('days', () => Int, { defaultValue: 30, description: '1 to 366.' }) days: number,
    @Ctx() ctx: Context,
  ) {
    requireRole(ctx, 'ADMIN');
    if (days < 1 || days > 366) throw badInput('days: 1 to 366.', 'days');
    return usageByDay(ctx.services.db, days);
  }

  @Query(() => ChatQuotaType, { description: 'My daily model-call quota and what I used of it today.' })
  myChatQuota(@Ctx() ctx: Context) {
    return chatQuota(ctx.services.db, ctx.services.config, requireViewer(ctx).id);
  }

  @Query(() => ChatQuotaType, { description: 'ADMIN: a user’s daily model-call quota and today’s use.' })
  chatQuota(@Arg('userId', () => ID) userId: string, @Ctx() ctx: Context) {
    requireRole(ctx, 'ADMIN');
    return chatQuota(ctx.services.db, ctx.services.config, parseId(userId, 'userId'));
  }

  @Mutation(() => ChatQuotaType, {
    description:
      'ADMIN: overrides a user’s daily quota (a null field: the role’s, from CHAT_QUOTAS; both null: no override).',
  })
  setChatQuota(
    @Arg('userId', () => ID) userId: string,
    @Arg('requestsPerDay', () => Int, { nullable: true }) requestsPerDay: number | null,
    @Arg('tokensPerDay', () => Int, { nullable: true }) tokensPerDay: number | null,
    @Ctx() ctx: Context,
  ) {
    requireRole(ctx, 'ADMIN');
    const { db, config } = ctx.services;
    return setChatQuota(db, config, parseId(userId, 'userId'), requestsPerDay ?? null, tokensPerDay ?? null);
  }
}
