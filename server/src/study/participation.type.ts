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

  @Field(() => String, { nullable: true, description: 'Assigned at consent.' })
  condition!: string | null;

  @Field(() => ParticipationStatus, {
    description:
      'OPENED (link opened), DECLINED, STARTED (consented), COMPLETED, RETURNED (withdrew), TIMED_OUT or SCREENED_OUT (ended by an attention check).',
  })
  status!: ParticipationStatus;

  @Field(() => Int, { description: 'Index of the task the participant is on (= number of tasks done).' })
  currentTask!: number;

  @Field(() => DateTimeResolver, { description: 'When the link was opened (the clock starts at consentedAt).' })
  startedAt!: Date;

  @Field(() => DateTimeResolver, { nullable: true })
  consentedAt!: Date | null;

  @Field(() => DateTimeResolver, { nullable: true })
  completedAt!: Date | null;

  @Field(() => JSONResolver, { description: 'Answers saved so far, by task id then question id.' })
  progress!: unknown;
}
