import { DateTimeResolver } from 'graphql-scalars';
import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { ParticipationStatus } from '../generated/prisma/enums';

export enum ParticipantSort {
  STARTED_AT = 'STARTED_AT',
  CONSENTED_AT = 'CONSENTED_AT',
  COMPLETED_AT = 'COMPLETED_AT',
  PARTICIPANT_ID = 'PARTICIPANT_ID',
  STATUS = 'STATUS',
  CONDITION = 'CONDITION',
  SCORE = 'SCORE',
}
registerEnumType(ParticipantSort, { name: 'ParticipantSort' });

export enum SortDirection {
  ASC = 'ASC',
  DESC = 'DESC',
}
registerEnumType(SortDirection, { name: 'SortDirection' });

@InputType('ParticipantFilter')
export class ParticipantFilter {
  @Field(() => [ParticipationStatus], { nullable: true, description: 'Only these statuses.' })
  statuses?: ParticipationStatus[] | null;

  @Field(() => String, { nullable: true })
  condition?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'Only participants with at least one failed attention check.' })
  failedChecks?: boolean | null;

  @Field(() => String, {
    nullable: true,
    description: 'Participant ids containing this text (at most 128 characters).',
  })
  search?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'Include preview participations (default: no).' })
  includePreviews?: boolean | null;
}

@ObjectType('TaskTime')
export class TaskTime {
  @Field(() => String)
  taskId!: string;

  @Field(() => Float, {
    nullable: true,
    description: 'Seconds from the end of the task before (or consent) to this one.',
  })
  seconds!: number | null;
}

@ObjectType('ParticipantRow', { description: 'One line of the researchers’ participants table.' })
export class ParticipantRow {
  @Field(() => ID, { description: 'The participation id.' })
  id!: string;

  @Field(() => String)
  participantId!: string;

  @Field(() => String, { nullable: true })
  condition!: string | null;

  @Field(() => ParticipationStatus)
  status!: ParticipationStatus;

  @Field(() => Boolean, { description: 'A researcher’s test run.' })
  preview!: boolean;

  @Field(() => Int, { description: 'Tasks done (while STARTED, the participant is in task currentTask + 1).' })
  currentTask!: number;

  @Field(() => Int)
  taskCount!: number;

  @Field(() => DateTimeResolver)
  startedAt!: Date;

  @Field(() => DateTimeResolver, { nullable: true })
  consentedAt!: Date | null;

  @Field(() => DateTimeResolver, { nullable: true })
  completedAt!: Date | null;

  @Field(() => [TaskTime])
  taskTimes!: TaskTime[];

  @Field(() => Int, { nullable: true })
  score!: number | null;

  @Field(() => Int, { nullable: true })
  scoreTotal!: number | null;

  @Field(() => Int)
  attentionFailures!: number;

  @Field(() => Int, { description: 'Chat turns (messages and replies).' })
  turns!: number;

  @Field(() => Int, { description: 'Prompt and completion tokens of the model’s replies.' })
  tokens!: number;

  @Field(() => Float, { description: 'USD of their model calls (models without a price count nothing).' })
  costUsd!: number;
}

@ObjectType('ParticipantPage')
export class ParticipantPage {
  @Field(() => [ParticipantRow])
  rows!: ParticipantRow[];

  @Field(() => Int, { description: 'Participants matching the filter, over all pages.' })
  total!: number;

  @Field(() => Int)
  offset!: number;

  @Field(() => Int)
  limit!: number;
}
