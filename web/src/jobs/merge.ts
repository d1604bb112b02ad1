/** The fields of a chat job that every view of it (chat, study) selects. */
export interface JobView {
  id: string;
  state: 'QUEUED' | 'ACTIVE' | 'COMPLETED' | 'FAILED' | 'CANCELED';
  text: string;
  attempts: number;
  replyMessageId?: string | null;
  error?: { code: string; message: string } | null;
}

export const isFinished = (state: JobView['state'] | undefined) =>
  state === 'COMPLETED' || state === 'FAILED' || state === 'CANCELED';

/** Within one attempt: waiting, streaming, waiting again after an error (the next attempt), done. */
function rank(job: JobView): number {
  if (isFinished(job.state)) return 3;
  if (job.state === 'ACTIVE') return 1;
  return job.error ? 2 : 0;
}

/**
 * The more recent of two views of the same job. Copies of a job arrive from
 * several places (the subscription, polling, the conversation query, mutations)
 * and some may be older than what is already shown: a job never goes back from
 * finished, from a later attempt, or to a shorter text within one attempt.
 */
export function newerJob<T extends JobView>(known: T | null, incoming: T): T {
  if (!known || known.id !== incoming.id) return incoming;
  const a = isFinished(known.state);
  const b = isFinished(incoming.state);
  if (a !== b) return a ? known : incoming;
  if (a && b) {
    // Both final. A cancel reports the text saved so far, which may be shorter than what streamed in.
    const text =
      incoming.state === 'CANCELED' && known.text.length > incoming.text.length && known.text.startsWith(incoming.text)
        ? known.text
        : incoming.text;
    return { ...incoming, text, replyMessageId: incoming.replyMessageId ?? known.replyMessageId };
  }
  if (incoming.attempts !== known.attempts) return incoming.attempts > known.attempts ? incoming : known;
  if (rank(incoming) !== rank(known)) return rank(incoming) > rank(known) ? incoming : known;
  return incoming.text.length >= known.text.length ? incoming : known;
}

/** Whether a reply job still needs a bubble of its own (its reply is not a message in the list yet). */
export function needsBubble(job: JobView, isLast: boolean, replied: boolean): boolean {
  if (replied) return false;
  switch (job.state) {
    case 'QUEUED':
    case 'ACTIVE':
      return true;
    case 'COMPLETED':
      // The stored reply is on its way (messageReceived).
      return job.text.trim().length > 0;
    case 'CANCELED':
      // The partial reply is on its way; with nothing said, the last one offers Regenerate.
      return job.text.trim().length > 0 || isLast;
    case 'FAILED':
      return isLast;
    default:
      return false;
  }
}

/** The clientId the server gives a bot's reply message: another way to know it has arrived. */
export const replyClientId = (jobId: string) => `job:${jobId}`;
