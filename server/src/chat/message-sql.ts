import type { Pool } from 'pg';

// The statement of every person-to-person send, on pg's pool under Prisma (db/client.ts): named, so
// each connection prepares them once. Prisma's own CPU per statement (about 0.1-0.2 ms) was half of a send.
// Timestamps are `timestamp(3)` in UTC (Prisma's layout); AT TIME ZONE 'UTC' reads them as such whatever
// the session's time zone.

const INSERT = `INSERT INTO "Message" (id, "fromId", "toId", body, "clientId", "createdAt")
  VALUES (gen_random_uuid(), $1, $2, $3, $4, now() AT TIME ZONE 'UTC')
  RETURNING id, "createdAt" AT TIME ZONE 'UTC' AS "createdAt"`;

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
