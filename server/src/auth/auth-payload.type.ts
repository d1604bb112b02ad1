import { Field, ObjectType } from 'type-graphql';
import { UserType } from './user.type';

@ObjectType('AuthPayload')
export class AuthPayload {
  @Field(() => String, {
    description: 'Send as "Authorization: Bearer <token>", and in connectionParams.authorization.',
  })
  token!: string;

  @Field(() => UserType)
  user!: UserType;
}
