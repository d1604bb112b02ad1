import { Field, InputType, Int } from 'type-graphql';

@InputType('ChatTurnInput')
export class ChatTurnInput {
  @Field(() => String, { description: 'system, user or assistant.' })
  role!: string;

  @Field(() => String)
  content!: string;

  @Field(() => [String], {
    nullable: true,
    description:
      'Data URLs of PNG, JPEG, WebP or GIF (checked by their bytes), each at most MAX_IMAGE_BYTES; at most MAX_IMAGES_PER_REQUEST and MAX_IMAGE_BYTES_PER_REQUEST in a request.',
  })
  images?: string[] | null;
}

@InputType('SubmitChatInput')
export class SubmitChatInput {
  @Field(() => [ChatTurnInput], {
    description:
      'Users: the conversation so far. Participants: only their new message (the server keeps the conversation).',
  })
  messages!: ChatTurnInput[];

  @Field(() => String, { nullable: true, description: 'Default GPT_VERSION; one of ALLOWED_MODELS when that is set.' })
  model?: string | null;

  @Field(() => Int, { nullable: true, description: 'At most GPT_TOKEN_LIMIT (the default).' })
  maxTokens?: number | null;

  @Field(() => String, { nullable: true, description: 'Participants: the study task this chat belongs to (required).' })
  taskId?: string | null;
}
