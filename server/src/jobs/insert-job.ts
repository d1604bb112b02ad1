import { randomUUID } from 'node:crypto';
import { type ChatJob, Prisma } from '../generated/prisma/client';
import type { Role } from '../generated/prisma/enums';

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

export interface UserQuotaFacts {
  role: Role | null;
  requestsPerDay: number | null;
  tokensPerDay: number | null;
}

/**
 * A user's job, written only while they have fewer than `maxOpen` unfinished jobs, returned with what their
 * daily quota is made of; null when there is no room. One statement: run it under the user's lock.
 */
export async function insertUserJobIfRoom(
  tx: Prisma.TransactionClient,
  job: NewJob & { userId: string },
  maxOpen: number,
): Promise<{ job: ChatJob; quota: UserQuotaFacts } | null> {
  const [row] = await tx.$queryRaw<
    (ChatJob & { quotaRole: Role | null; quotaRequests: number | null; quotaTokens: number | null })[]
  >`
    INSERT INTO "ChatJob" ${COLUMNS}
    SELECT ${values(job)}
    WHERE (SELECT count(*) FROM "ChatJob" WHERE "userId" = ${job.userId}::uuid AND state IN ('QUEUED', 'ACTIVE')) < ${maxOpen}::int
    RETURNING *,
      (SELECT role::text FROM "User" WHERE id = ${job.userId}::uuid) AS "quotaRole",
      (SELECT "requestsPerDay" FROM "UserQuota" WHERE "userId" = ${job.userId}::uuid) AS "quotaRequests",
      (SELECT "tokensPerDay" FROM "UserQuota" WHERE "userId" = ${job.userId}::uuid) AS "quotaTokens"`;
  if (!row) return null;
  const { quotaRole, quotaRequests, quotaTokens, ...inserted } = row;
  return { job: inserted, quota: { role: quotaRole, requestsPerDay: quotaRequests, tokensPerDay: quotaTokens } };
}
