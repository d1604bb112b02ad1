import { Field, Float, ID, Int, ObjectType } from 'type-graphql';

@ObjectType('UsageSlice', { description: 'Model calls of one group (a condition, a model): tokens and cost.' })
export class UsageSlice {
  @Field(() => String, { nullable: true })
  key!: string | null;

  @Field(() => Int)
  calls!: number;

  @Field(() => Int)
  promptTokens!: number;

  @Field(() => Int)
  completionTokens!: number;

  @Field(() => Float, { description: 'USD at the prices configured when each call ended (MODEL_PRICES).' })
  costUsd!: number;

  @Field(() => Int, { description: 'Calls of models without a price (their cost is not in costUsd).' })
  unpricedCalls!: number;
}

@ObjectType('StudyUsage')
export class StudyUsage {
  @Field(() => UsageSlice, { description: 'All the study’s model calls.' })
  total!: UsageSlice;

  @Field(() => [UsageSlice], { description: 'By condition.' })
  byCondition!: UsageSlice[];

  @Field(() => [UsageSlice], { description: 'By model.' })
  byModel!: UsageSlice[];

  @Field(() => Int, { nullable: true, description: 'The study file’s tokenBudget.' })
  tokenBudget!: number | null;

  @Field(() => Int, { description: 'Tokens spent against the budget (running calls count what they reserved).' })
  budgetSpent!: number;

  @Field(() => Boolean, { description: 'True once the budget is spent: new chats are refused.' })
  budgetExhausted!: boolean;
}

@ObjectType('UsageRow', { description: 'Model calls of one day, user, bot, study and model.' })
export class UsageRow {
  @Field(() => String, { description: 'The UTC day, YYYY-MM-DD.' })
  day!: string;

  @Field(() => String, { nullable: true, description: 'The user who asked (null for study participants).' })
  username!: string | null;

  @Field(() => String, { nullable: true, description: 'The bot that answered (null for submitChat).' })
  bot!: string | null;

  @Field(() => String, { nullable: true, description: 'The study, for participants’ calls.' })
  studySlug!: string | null;

  @Field(() => String)
  model!: string;

  @Field(() => Int)
  calls!: number;

  @Field(() => Int)
  promptTokens!: number;

  @Field(() => Int)
  completionTokens!: number;

  @Field(() => Float, { nullable: true, description: 'Null when the model has no price.' })
  costUsd!: number | null;
}

@ObjectType('ChatQuota')
export class ChatQuotaType {
  @Field(() => ID)
  userId!: string;

  @Field(() => Int, { nullable: true, description: 'Null: no limit.' })
  requestsPerDay!: number | null;

  @Field(() => Int, { nullable: true, description: 'Null: no limit.' })
  tokensPerDay!: number | null;

  @Field(() => Boolean, { description: 'Whether an admin set an override for this user (else the role’s).' })
  overridden!: boolean;

  @Field(() => Int, { description: 'Today’s calls (UTC), running ones included.' })
  requestsToday!: number;

  @Field(() => Int, { description: 'Today’s tokens; running calls count what they reserved.' })
  tokensToday!: number;
}
