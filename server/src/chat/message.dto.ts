import type { Message, User } from '../generated/prisma/client';

/** A message as resolvers return it and as it travels over pub/sub (JSON-safe: no bigint, no hash). */
export interface MessageDto {
  id: string;
  clientId: string | null;
  from: PublicUser;
  to: PublicUser;
  body: string;
  createdAt: Date;
  readAt: Date | null;
  stopped: boolean;
}

export type PublicUser = Pick<User, 'id' | 'username' | 'isBot' | 'role' | 'lastSeenAt'>;

export const publicUser = ({ id, username, isBot, role, lastSeenAt }: User): PublicUser => ({
  id,
  username,
  isBot,
  role,
  lastSeenAt,
});

export function toMessageDto(message: Message & { from: User; to: User }): MessageDto {
  const { id, clientId, body, createdAt, readAt, stopped } = message;
  return { id, clientId, body, createdAt, readAt, stopped, from: publicUser(message.from), to: publicUser(message.to) };
}

export const withUsers = { from: true, to: true } as const;
