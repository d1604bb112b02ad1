import { DateTimeResolver } from 'graphql-scalars';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { Role } from '../generated/prisma/enums';

registerEnumType(Role, { name: 'Role' });

@ObjectType('User')
export class UserType {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  username!: string;

  @Field(() => Boolean)
  isBot!: boolean;

  @Field(() => Role)
  role!: Role;

  @Field(() => DateTimeResolver, { nullable: true, description: 'When the user was last seen online.' })
  lastSeenAt!: Date | null;
}
