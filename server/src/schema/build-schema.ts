import 'reflect-metadata';
import type { GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { AdminResolver } from '../admin/admin.resolver';
import { AuthResolver } from '../auth/auth.resolver';
import { BotUserResolver } from '../bots/bot-user.resolver';
import { ChatResolver } from '../chat/chat.resolver';
import { JobsResolver } from '../jobs/jobs.resolver';
import { MessageJobResolver } from '../jobs/message-job.resolver';
import { LimitsResolver } from '../limits/limits.resolver';
import { PresenceResolver } from '../presence/presence.resolver';
import { TypingResolver } from '../presence/typing.resolver';
import { ParticipantsResolver } from '../study/participants.resolver';
import { ResearchResolver } from '../study/research.resolver';
import { StudyResolver } from '../study/study.resolver';
import { UsageResolver } from '../usage/usage.resolver';

// Every @Subscription has its own `subscribe` over the process's PubSub (in context), so type-graphql's
// topic-based pub/sub is never used; it insists on being given one.
const topicsUnsupported = {
  publish(): never {
    throw new Error('Use services.pubsub; @Subscription topics are not used in Parley.');
  },
  subscribe(): never {
    throw new Error('Give every @Subscription a `subscribe` function.');
  },
};

export const resolvers = [
  AuthResolver,
  ChatResolver,
  PresenceResolver,
  AdminResolver,
  JobsResolver,
  MessageJobResolver,
  BotUserResolver,
  StudyResolver,
  ResearchResolver,
  TypingResolver,
  LimitsResolver,
  ParticipantsResolver,
  UsageResolver,
] as const;

export function buildParleySchema(): Promise<GraphQLSchema> {
  return buildSchema({ resolvers, validate: false, pubSub: topicsUnsupported });
}
