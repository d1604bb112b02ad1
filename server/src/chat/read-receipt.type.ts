import { DateTimeResolver } from 'graphql-scalars';
import { Field, ID, ObjectType } from 'type-graphql';

/** Messages marked read: sent live to their sender (read marks) and to the reader's other tabs (badges). */
@ObjectType('ReadReceipt')
export class ReadReceiptType {
  @Field(() => ID, { description: 'Who read them.' })
  readerId!: string;

  @Field(() => ID, { description: 'Who sent them.' })
  senderId!: string;

  @Field(() => [ID])
  messageIds!: string[];

  @Field(() => DateTimeResolver)
  readAt!: Date;
}

export type ReadReceipt = ReadReceiptType;

/** Read marks that concern a user: of messages they sent, and those they read themselves. */
export const userReadsTopic = (userId: string) => `chat:reads:${userId}`;
