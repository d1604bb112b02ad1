import { DateTimeResolver, JSONResolver } from 'graphql-scalars';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { JobState } from '../generated/prisma/enums';

registerEnumType(JobState, { name: 'JobState' });

@ObjectType('JobError')
export class JobError {
  @Field(() => String, {
    description: 'MODEL_RATE_LIMITED, MODEL_UNAVAILABLE, MODEL_TIMEOUT, MODEL_REJECTED, BOT_UNAVAILABLE, ...',
  })
  code!: string;

  @Field(() => String)
  message!: string;
}

@ObjectType('ChatJob', { description: 'A model call, run by a worker; follow it with jobUpdated or jobStatus.' })
export class ChatJobType {
  @Field(() => ID)
  id!: string;

  @Field(() => JobState)
  state!: JobState;

  @Field(() => String, { description: 'The reply so far (ACTIVE) or in full (COMPLETED).' })
  text!: string;

  @Field(() => JobError, { nullable: true })
  error!: JobError | null;

  @Field(() => JSONResolver, { nullable: true, description: 'Token usage reported by the model.' })
  usage!: unknown;

  @Field(() => String)
  model!: string;

  @Field(() => Int, { description: 'Attempts started so far (retries after transient errors count).' })
  attempts!: number;

  @Field(() => DateTimeResolver)
  createdAt!: Date;

  @Field(() => DateTimeResolver, { nullable: true })
  finishedAt!: Date | null;

  @Field(() => ID, { nullable: true, description: "The bot's stored reply message, once there is one." })
  replyMessageId!: string | null;
}
