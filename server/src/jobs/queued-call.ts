import type { ChatJob } from '../generated/prisma/client';

/** Inputs larger than this (as JSON) stay in Postgres only: the worker reads them with its claim. */
const MAX_INPUT_CHARS = 16 * 1024;

/** The fields of a job row that its model call reads (prepare-call.ts); none of them changes after the insert. */
export interface QueuedCall {
  userId: string | null;
  participationId: string | null;
  botId: string | null;
  triggerMessageId: string | null;
  model: string;
  input: unknown;
}

/**
 * What goes into the queue with a job's id, so that its worker can prepare and start the model call while it
 * claims the row (a round trip less before the first token). The row stays the record: a job its claim does not
 * find runnable is stopped before anything of its call is saved or published.
 */
export function queuedCall(job: ChatJob): QueuedCall | undefined {
  if (JSON.stringify(job.input ?? null).length > MAX_INPUT_CHARS) return undefined;
  const { userId, participationId, botId, triggerMessageId, model, input } = job;
  return { userId, participationId, botId, triggerMessageId, model, input };
}

const idOrNull = (value: unknown) => value === null || typeof value === 'string';

/** The job as its call sees it, from what the queue carried; undefined when nothing (or nothing usable) came. */
export function jobFromQueue(jobId: string, call: unknown): ChatJob | undefined {
  if (!call || typeof call !== 'object') return undefined;
  const c = call as Record<string, unknown>;
  const usable =
    idOrNull(c.userId) &&
    idOrNull(c.participationId) &&
    idOrNull(c.botId) &&
    idOrNull(c.triggerMessageId) &&
    typeof c.model === 'string' &&
    c.input !== undefined;
  return usable ? ({ ...(c as unknown as QueuedCall), id: jobId } as unknown as ChatJob) : undefined;
}
