import type { ChatJob } from '../generated/prisma/client';
import type { JobState } from '../generated/prisma/enums';

/** A job as the API shows it and as it travels over pub/sub. */
export interface ChatJobDto {
  id: string;
  state: JobState;
  text: string;
  error: { code: string; message: string } | null;
  usage: unknown;
  model: string;
  attempts: number;
  createdAt: Date;
  finishedAt: Date | null;
  replyMessageId: string | null;
}

export function toJobDto(job: ChatJob): ChatJobDto {
  return {
    id: job.id,
    state: job.state,
    text: job.text,
    error: job.errorCode ? { code: job.errorCode, message: job.errorMessage ?? '' } : null,
    usage: job.usage ?? null,
    model: job.model,
    attempts: job.attempts,
    createdAt: job.createdAt,
    finishedAt: job.finishedAt,
    replyMessageId: job.replyMessageId,
  };
}

export const isFinished = (state: JobState) => state === 'COMPLETED' || state === 'FAILED' || state === 'CANCELED';
