import { Field, ObjectType } from 'type-graphql';
import { MessageType } from './message.type';

@ObjectType('MessagePage')
export class MessagePage {
  @Field(() => [MessageType], { description: 'Oldest first.' })
  messages!: MessageType[];

  @Field(() => Boolean, { description: 'Whether older messages exist before the first one.' })
  hasMore!: boolean;
}
