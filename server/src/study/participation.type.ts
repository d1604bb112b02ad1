import { DateTimeResolver, JSONResolver } from 'graphql-scalars';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { ParticipationStatus } from '../generated/prisma/enums';

registerEnumType(ParticipationStatus, { name: 'ParticipationStatus' });

@ObjectType('Participation', { description: 'One participant in one study. `token` authorises their calls.' })
export class ParticipationType {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  studySlug!: string;

  @Field(() => String)
  participantId!: string;

  @Field(() => String)
  condition!: string;

  @Field(() => ParticipationStatus, { description: 'STARTED, COMPLETED or RETURNED.' })
  status!: ParticipationStatus;

  @Field(() => Int, { description: 'Index of the task the participant is on (= number of tasks done).' })
  currentTask!: number;

  @Field(() => DateTimeResolver)
  startedAt!: Date;

  @Field(() => DateTimeResolver, { nullable: true })
  consentedAt!: Date | null;

  @Field(() => DateTimeResolver, { nullable: true })
  completedAt!: Date | null;

  @Field(() => JSONResolver, { description: 'Answers saved so far, by task id then question id.' })
  progress!: unknown;
}
