import { JSONResolver } from 'graphql-scalars';
import { Field, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';

@InputType('StartParticipationInput')
export class StartParticipationInput {
  @Field(() => String)
  studySlug!: string;

  @Field(() => String, {
    description:
      'PROLIFIC_PID: by default a Prolific id (24 hexadecimal digits); the study file may set another pattern.',
  })
  participantId!: string;

  @Field(() => String, { nullable: true, description: 'STUDY_ID from the Prolific link.' })
  prolificStudyId?: string | null;

  @Field(() => String, { nullable: true, description: 'SESSION_ID from the Prolific link.' })
  sessionId?: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      'A random string (16 to 256 letters, digits, _ or -) the browser keeps: only the same secret resumes this participation later. Stored as a hash.',
  })
  resumeSecret?: string | null;
}

@InputType('SaveParticipationInput')
export class SaveParticipationInput {
  @Field(() => String)
  studySlug!: string;

  @Field(() => String)
  participantId!: string;

  @Field(() => JSONResolver, {
    description:
      "What the client adds to the final record: timings, device, anything else. The record's `answers` are the ones the server holds; `answers` sent here are ignored.",
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

  @Field(() => Int, { description: 'Consented into this condition (whatever happened next).' })
  started!: number;

  @Field(() => Int)
  completed!: number;

  @Field(() => Int, { description: 'Stopped taking part after consent.' })
  returned!: number;

  @Field(() => Int, { description: 'Ran past the time limit and its grace.' })
  timedOut!: number;

  @Field(() => Int, { description: 'Ended by a failed attention check (policy end).' })
  screenedOut!: number;

  @Field(() => Int, { nullable: true, description: 'Median time from consent to completion.' })
  medianSeconds!: number | null;
}

@ObjectType('StudySummary')
export class StudySummary {
  @Field(() => String)
  slug!: string;

  @Field(() => String)
  title!: string;

  @Field(() => Int, { description: 'Opened the link, neither agreed nor declined (yet): no condition.' })
  opened!: number;

  @Field(() => Int, { description: 'Did not agree to the consent text: no condition.' })
  declined!: number;

  @Field(() => [ConditionStatsType])
  conditions!: ConditionStatsType[];

  @Field(() => Int, { nullable: true, description: 'Median time from consent to completion, all conditions.' })
  medianSeconds!: number | null;

  @Field(() => Int, { nullable: true, description: 'The tokens its model calls may use, from the study file.' })
  tokenBudget!: number | null;
}
