import type { Pool } from 'pg';
import type { Role } from '../generated/prisma/enums';
import type { PublicUser } from './message.dto';

// The two statements of every person-to-person send, on pg's pool under Prisma (db/client.ts): named, so
// each connection prepares them once. Prisma's own CPU per statement (about 0.1-0.2 ms) was half of a send.
// Timestamps are `timestamp(3)` in UTC (Prisma's layout); AT TIME ZONE 'UTC' reads them as such whatever
// the session's time zone.

// The sender's earlier message with this clientId (a retry) comes back on every row, null when there is none.
const USERS = `SELECT id, username, "isBot", role::text AS role, "lastSeenAt" AT TIME ZONE 'UTC' AS "lastSeenAt",
    (SELECT m.id FROM "Message" m WHERE m."fromId" = $2 AND m."clientId" = $3) AS "earlierId"
  FROM "User" WHERE id = ANY(ARRAY[$1, $2]::uuid[])`;

const INSERT = `INSERT INTO "Message" (id, "fromId", "toId", body, "clientId", "createdAt")
  VALUES (gen_random_uuid(), $1, $2, $3, $4, now() AT TIME ZONE 'UTC')
  RETURNING id, "createdAt" AT TIME ZONE 'UTC' AS "createdAt"`;

export interface SendLookup {
  /** The public fields of the sender and the recipient, by id (an unknown id is absent). */
  users: Map<string, PublicUser>;
  /** The id of the sender's earlier message with the same clientId, if this send is a retry. */
  earlierId: string | null;
}

export async function lookUpSend(
  pool: Pool,
  toId: string,
  fromId: string,
  clientId: string | null,
): Promise<SendLookup> {
  const { rows } = await pool.query<PublicUser & { role: Role; earlierId: string | null }>({
    name: 'chat-send-lookup',
    text: USERS,
    values: [toId, fromId, clientId],
  });
  const users = new Map(rows.map(({ earlierId: _earlier, ...user }) => [user.id, user]));
  return { users, earlierId: rows[0]?.earlierId ?? null };
}

export interface StoredMessage {
  id: string;
  createdAt: Date;
}

/** One INSERT ... RETURNING: a unique violation (the same clientId again) throws pg's error 23505. */
export async function insertMessage(
  pool: Pool,
  message: { fromId: string; toId: string; body: string; clientId: string | null },
): Promise<StoredMessage> {
  const { rows } = await pool.query<StoredMessage>({
    name: 'chat-insert',
    text: INSERT,
    values: [message.fromId, message.toId, message.body, message.clientId],
  });
  return rows[0] as StoredMessage;
}
