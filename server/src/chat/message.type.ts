import { DateTimeResolver } from 'graphql-scalars';
import { Field, ID, ObjectType } from 'type-graphql';
import { UserType } from '../auth/user.type';

@ObjectType('Message')
export class MessageType {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { nullable: true, description: "The sender's idempotency key." })
  clientId!: string | null;

  @Field(() => UserType)
  from!: UserType;

  @Field(() => UserType)
  to!: UserType;

  @Field(() => String)
  body!: string;

  @Field(() => DateTimeResolver)
  createdAt!: Date;

  @Field(() => DateTimeResolver, { nullable: true })
  readAt!: Date | null;

  @Field(() => Boolean, { description: "A bot's reply that was stopped before its end: the text is what was said." })
  stopped!: boolean;
}
