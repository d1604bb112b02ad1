import { Field, Float, ID, Int, ObjectType } from 'type-graphql';

@ObjectType('StudyQuestion')
export class QuestionView {
  @Field(() => ID)
  id!: string;

  @Field(() => String, {
    description: 'short_text, long_text, number, likert, slider, single_choice or multiple_choice.',
  })
  type!: string;

  @Field(() => String)
  text!: string;

  @Field(() => Boolean)
  required!: boolean;

  @Field(() => [String], { nullable: true })
  options?: string[];

  @Field(() => Float, { nullable: true })
  min?: number;

  @Field(() => Float, { nullable: true })
  max?: number;

  @Field(() => Float, { nullable: true })
  step?: number;

  @Field(() => Int, { nullable: true, description: 'Likert: the number of points.' })
  points?: number;

  @Field(() => String, { nullable: true })
  minLabel?: string;

  @Field(() => String, { nullable: true })
  maxLabel?: string;

  @Field(() => Int, { nullable: true })
  maxLength?: number;
}

@ObjectType('StudyTask')
export class TaskView {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  title!: string;

  @Field(() => String, { description: 'Markdown.' })
  instructions!: string;

  @Field(() => [String])
  images!: string[];

  @Field(() => Boolean, { description: 'Whether the model chat is offered here (task and condition agree).' })
  chat!: boolean;

  @Field(() => Boolean)
  requireChat!: boolean;

  @Field(() => Int)
  turnLimit!: number;

  @Field(() => [QuestionView], { description: "In this participant's order." })
  questions!: QuestionView[];
}

@ObjectType('StudyView', { description: 'The study as this participant sees it: their condition, their task order.' })
export class StudyView {
  @Field(() => String)
  slug!: string;

  @Field(() => String)
  title!: string;

  @Field(() => String)
  description!: string;

  @Field(() => String, { description: 'Markdown.' })
  consent!: string;

  @Field(() => Float, { nullable: true })
  timeLimitMinutes!: number | null;

  @Field(() => [TaskView])
  tasks!: TaskView[];
}

@ObjectType('StudyInfo', { description: 'What a landing page needs before a participant starts.' })
export class StudyInfo {
  @Field(() => String)
  slug!: string;

  @Field(() => String)
  title!: string;

  @Field(() => String)
  description!: string;

  @Field(() => Boolean, { description: 'Without PROLIFIC_PID in the link: ask for the id (true) or refuse (false).' })
  askForParticipantId!: boolean;
}

@ObjectType('StudyTurn')
export class StudyTurnType {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  taskId!: string;

  @Field(() => String, { description: 'user or assistant.' })
  role!: string;

  @Field(() => String)
  text!: string;

  @Field(() => String, { nullable: true, description: 'For assistant turns: COMPLETED, CANCELED or FAILED.' })
  outcome!: string | null;

  @Field(() => ID, {
    nullable: true,
    description: 'The model call of this turn (follow it with jobUpdated while it runs).',
  })
  jobId!: string | null;

  @Field(() => [String], { description: 'The images sent with a message, as data URLs.' })
  images!: string[];
}
