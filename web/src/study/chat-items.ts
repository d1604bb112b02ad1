import type { Job } from '../jobs/follow';
import { isFinished, newerJob } from '../jobs/merge';

type JobState = Job['state'];

/** One message of the study chat as shown. */
export interface ChatItem {
  key: string;
  role: 'user' | 'assistant';
  text: string;
  images?: string[];
  /** Assistant turns: the job writing it (while it runs), and how it ended. */
  job?: Job;
  state?: JobState;
  error?: string | null;
}

/** An assistant item following its job: the job module's merge decides which copy is newer. */
export function applyJob(item: ChatItem, job: Job): ChatItem {
  const merged = newerJob(item.job ?? null, job);
  return {
    ...item,
    job: merged,
    text: merged.text,
    state: merged.state,
    error: merged.state === 'FAILED' ? (merged.error?.message ?? null) : null,
  };
}

export const isWriting = (item: ChatItem) =>
  item.role === 'assistant' && item.job !== undefined && !isFinished(item.state);

/** A turn stored by the server (a reload), as an item. */
export function turnItem(turn: {
  id: string;
  role: string;
  text: string;
  outcome?: string | null;
  images: string[];
}): ChatItem {
  const assistant = turn.role === 'assistant';
  return {
    key: turn.id,
    role: assistant ? 'assistant' : 'user',
    text: turn.text,
    ...(turn.images.length ? { images: turn.images } : {}),
    ...(assistant
      ? {
          state: (turn.outcome as JobState | null) ?? 'COMPLETED',
          error: turn.outcome === 'FAILED' ? 'The assistant did not answer.' : null,
        }
      : {}),
  };
}

/** A job that is still running when the page loads, as an item to follow. */
export function pendingItem(jobId: string): ChatItem {
  return {
    key: `job:${jobId}`,
    role: 'assistant',
    text: '',
    job: {
      __typename: 'ChatJob',
      id: jobId,
      state: 'QUEUED',
      text: '',
      attempts: 0,
      replyMessageId: null,
      error: null,
    },
    state: 'QUEUED',
  };
}
