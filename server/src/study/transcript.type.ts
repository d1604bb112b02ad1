import { DateTimeResolver, JSONResolver } from 'graphql-scalars';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { ParticipantRow } from './participant-table.type';

@ObjectType('TranscriptTurn', { description: 'A chat turn as stored, in chat order.' })
export class TranscriptTurn {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { description: 'user or assistant.' })
  role!: string;

  @Field(() => String)
  text!: string;

  @Field(() => [String], { description: 'The images sent with a message, as the data URLs the model got.' })
  images!: string[];

  @Field(() => String, { nullable: true, description: 'Messages: the system prompt their call was sent with.' })
  systemPrompt!: string | null;

  @Field(() => [ID], { description: 'Replies: the turns their call was sent, in order, after the system prompt.' })
  sentTurnIds!: string[];

  @Field(() => String, { nullable: true })
  model!: string | null;

  @Field(() => Int, { nullable: true })
  promptTokens!: number | null;

  @Field(() => Int, { nullable: true })
  completionTokens!: number | null;

  @Field(() => Int, { nullable: true })
  latencyMs!: number | null;

  @Field(() => String, { nullable: true, description: 'Replies: COMPLETED, CANCELED or FAILED.' })
  outcome!: string | null;

  @Field(() => DateTimeResolver)
  createdAt!: Date;
}

@ObjectType('TranscriptAttentionFailure')
export class TranscriptAttentionFailure {
  @Field(() => String)
  questionId!: string;

  @Field(() => JSONResolver, { nullable: true })
  answer!: unknown;

  @Field(() => String, { description: 'block, record or end.' })
  policy!: string;

  @Field(() => DateTimeResolver)
  createdAt!: Date;
}

@ObjectType('TranscriptTask')
export class TranscriptTask {
  @Field(() => String)
  taskId!: string;

  @Field(() => String)
  title!: string;

  @Field(() => DateTimeResolver, { nullable: true })
  doneAt!: Date | null;

  @Field(() => JSONResolver, { description: 'The answers saved, by question id.' })
  answers!: unknown;

  @Field(() => [TranscriptAttentionFailure], { description: 'Every failed attention-check attempt in this task.' })
  attentionFailures!: TranscriptAttentionFailure[];

  @Field(() => [TranscriptTurn])
  turns!: TranscriptTurn[];
}

@ObjectType('Transcript')
export class Transcript {
  @Field(() => ParticipantRow)
  participant!: ParticipantRow;

  @Field(() => [TranscriptTask], { description: 'In the participant’s task order.' })
  tasks!: TranscriptTask[];
}
