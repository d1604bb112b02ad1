import { DateTimeResolver } from 'graphql-scalars';
import { Field, ObjectType } from 'type-graphql';
import { UserType } from '../auth/user.type';

@ObjectType('PresenceEvent')
export class PresenceEvent {
  @Field(() => UserType)
  user!: UserType;

  @Field(() => Boolean)
  online!: boolean;

  @Field(() => DateTimeResolver)
  at!: Date;
}
