import { DateTimeResolver } from 'graphql-scalars';
import { Field, ID, ObjectType } from 'type-graphql';
import { UserType } from '../auth/user.type';

@ObjectType('Connection', { description: 'One open WebSocket connection (a tab, a device).' })
export class ConnectionType {
  @Field(() => ID)
  id!: string;

  @Field(() => DateTimeResolver)
  connectedAt!: Date;
}

@ObjectType('OnlineUser')
export class OnlineUser {
  @Field(() => UserType)
  user!: UserType;

  @Field(() => [ConnectionType])
  connections!: ConnectionType[];
}
