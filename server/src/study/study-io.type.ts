import { JSONResolver } from 'graphql-scalars';
import { Field, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';

@InputType('StartParticipationInput')
export class StartParticipationInput {
  @Field(() => String)
  studySlug!: string;

  @Field(() => String, { description: 'PROLIFIC_PID: 16 to 64 letters, digits, _ or -.' })
  participantId!: string;

  @Field(() => String, { nullable: true, description: 'STUDY_ID from the Prolific link.' })
  prolificStudyId?: string | null;

  @Field(() => String, { nullable: true, description: 'SESSION_ID from the Prolific link.' })
  sessionId?: string | null;
}

@InputType('SaveParticipationInput')
export class SaveParticipationInput {
  @Field(() => String)
  studySlug!: string;

  @Field(() => String)
  participantId!: string;

  @Field(() => JSONResolver, {
    description: 'The final record: `answers` keyed by question id, timings, anything else.',
  })
  data!: unknown;
}

@ObjectType('SaveParticipationResult')
export class SaveParticipationResult {
  @Field(() => Boolean, { description: 'True for the one call that stored the record.' })
  saved!: boolean;

  @Field(() => Boolean)
  alreadyExisted!: boolean;

  @Field(() => String, { nullable: true })
  completionCode!: string | null;

  @Field(() => String, { nullable: true })
  completionUrl!: string | null;

  @Field(() => Int, { nullable: true, description: 'Correct answers, where questions have one.' })
  score!: number | null;

  @Field(() => Int, { nullable: true })
  scoreTotal!: number | null;
}

export enum ExportFormat {
  CSV = 'CSV',
  JSONL = 'JSONL',
}
registerEnumType(ExportFormat, { name: 'ExportFormat' });

@ObjectType('ConditionStats')
export class ConditionStatsType {
  @Field(() => String)
  condition!: string;

  @Field(() => Int)
  started!: number;

  @Field(() => Int)
  completed!: number;

  @Field(() => Int)
  returned!: number;

  @Field(() => Int, { nullable: true, description: 'Median time from start to completion.' })
  medianSeconds!: number | null;
}

@ObjectType('StudySummary')
export class StudySummary {
  @Field(() => String)
  slug!: string;

  @Field(() => String)
  title!: string;

  @Field(() => [ConditionStatsType])
  conditions!: ConditionStatsType[];
}
