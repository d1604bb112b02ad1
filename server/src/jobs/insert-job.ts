import { randomUUID } from 'node:crypto';
import { type ChatJob, Prisma } from '../generated/prisma/client';

export interface NewJob {
  model: string;
  input: Prisma.InputJsonValue;
  reservedTokens: number;
  userId?: string | null;
  participationId?: string | null;
  taskId?: string | null;
  botId?: string | null;
  triggerMessageId?: string | null;
  requestId?: string | null;
}

const COLUMNS = Prisma.sql`(id, "userId", "participationId", "taskId", "botId", "triggerMessageId", model, input,
  "reservedTokens", "requestId", "createdAt")`;

const values = (job: NewJob) => Prisma.sql`${randomUUID()}::uuid, ${job.userId ?? null}::uuid,
  ${job.participationId ?? null}::uuid, ${job.taskId ?? null}, ${job.botId ?? null}::uuid,
  ${job.triggerMessageId ?? null}::uuid, ${job.model}, ${JSON.stringify(job.input)}::jsonb,
  ${job.reservedTokens}::int, ${job.requestId ?? null}, ${new Date()}::timestamp(3)`;

/** Writes a QUEUED job row and returns it: a plain INSERT … RETURNING (cheaper than create on this path). */
export async function insertJob(tx: Prisma.TransactionClient, job: NewJob): Promise<ChatJob> {
  const [row] = await tx.$queryRaw<ChatJob[]>`INSERT INTO "ChatJob" ${COLUMNS} VALUES (${values(job)}) RETURNING *`;
  if (!row) throw new Error('INSERT … RETURNING returned no row');
  return row;
}
