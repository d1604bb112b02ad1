import { Field, Float, Int, ObjectType } from 'type-graphql';

@ObjectType('ChartPoint', { description: 'One bar or point: a bucket (time, minutes, score) of one condition.' })
export class ChartPoint {
  @Field(() => String, { nullable: true, description: 'The condition (null: none yet).' })
  condition!: string | null;

  @Field(() => String, { description: 'An ISO hour, a number of minutes or a score, as text.' })
  bucket!: string;

  @Field(() => Int)
  count!: number;
}

@ObjectType('AttentionRate')
export class AttentionRate {
  @Field(() => String, { nullable: true })
  condition!: string | null;

  @Field(() => Int, { description: 'Participants who consented.' })
  participants!: number;

  @Field(() => Int, { description: 'Of them, those with at least one failed attention check.' })
  failed!: number;

  @Field(() => Float, { description: 'failed / participants (0 without participants).' })
  rate!: number;
}

@ObjectType('StudyCharts', { description: 'What the workbench charts draw, counted in Postgres.' })
export class StudyCharts {
  @Field(() => [ChartPoint], { description: 'Links opened per hour (UTC), by condition.' })
  arrivals!: ChartPoint[];

  @Field(() => [ChartPoint], { description: 'Completions per hour (UTC), by condition.' })
  completions!: ChartPoint[];

  @Field(() => [ChartPoint], { description: 'Completed participants by whole minutes from consent to completion.' })
  minutesToComplete!: ChartPoint[];

  @Field(() => [ChartPoint], {
    description: 'Participants by whole minutes spent on each task; `condition` names the series "task · condition".',
  })
  taskMinutes!: ChartPoint[];

  @Field(() => [ChartPoint], { description: 'Completed participants by score.' })
  scores!: ChartPoint[];

  @Field(() => [AttentionRate])
  attention!: AttentionRate[];
}
