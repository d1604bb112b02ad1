import { useApolloClient } from '@apollo/client/react';
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { cancelJob, retryJob } from '../jobs/actions';
import type { Job } from '../jobs/follow';
import { isFinished, needsBubble, newerJob, replyClientId } from '../jobs/merge';
import { JobStatusQuery } from '../jobs/operations';
import { useFollowJob } from '../jobs/useFollowJob';
import { ErrorNote } from '../lib/ErrorNote';
import { Markdown } from './Markdown';
import { pointJobAt } from './pointJobAt';
import { TypingDots } from './TypingDots';

export type { Job };

interface BotReplyProps {
  job: Job;
  /** The message this job answers. */
  messageId: string;
  botName: string;
  /** My last message in the conversation is the one this job answers. */
  isLast: boolean;
  /** Ids and clientIds of the messages in the list. */
  present: ReadonlySet<string>;
  /** The bubble changed size (streamed text): keep the list scrolled to the bottom. */
  onGrow(): void;
}

/** A stopped job stores what was said after the cancel is reported: ask for the reply's id a few times. */
function useReplyLookup(job: Job, replied: boolean, onFound: (job: Job) => void) {
  const client = useApolloClient();
  const lookups = useRef(0);
  useEffect(() => {
    if (job.state !== 'CANCELED' || replied || job.replyMessageId || lookups.current >= 3) return;
    const timer = setTimeout(
      () => {
        lookups.current += 1;
        client
          .query({ query: JobStatusQuery, variables: { id: job.id }, fetchPolicy: 'network-only' })
          .then(({ data }) => data && onFound(data.jobStatus))
          .catch(() => undefined);
      },
      1000 * (lookups.current + 1),
    );
    return () => clearTimeout(timer);
  }, [job, replied, client, onFound]);
}

/**
 * The bot's reply while it is being written: follows the job (jobs/useFollowJob) and shows the text so
 * far, Stop while it runs, the error and Retry when it failed. Once the stored reply is in the list (a
 * stopped one is marked there), it steps aside.
 */
export function BotReply({ job: fromCache, messageId, botName, isLast, present, onGrow }: BotReplyProps) {
  const client = useApolloClient();
  const followed = useFollowJob(fromCache) ?? fromCache;
  const [local, setLocal] = useState<Job | null>(null);
  const job = local && local.id === followed.id ? newerJob(followed, local) : followed;
  const [actionError, setActionError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const take = (next: Job | null) => {
    if (next) setLocal((known) => newerJob(known, next));
  };

  const replied =
    (job.replyMessageId !== null && present.has(job.replyMessageId)) || present.has(replyClientId(job.id));
  useReplyLookup(job, replied, take);

  const visible = needsBubble(job, isLast, replied);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the text and state are what change the size
  useLayoutEffect(() => {
    if (visible) onGrow();
  }, [visible, job.text, job.state, onGrow]);

  if (!visible) return null;

  const act = async (action: () => Promise<void>) => {
    setBusy(true);
    setActionError(null);
    try {
      await action();
    } catch (error) {
      setActionError(error);
    } finally {
      setBusy(false);
    }
  };
  const stop = () => act(async () => take(await cancelJob(client, job.id)));
  const retry = () =>
    act(async () => {
      const next = await retryJob(client, job.id);
      if (next) pointJobAt(client.cache, messageId, next);
    });

  const running = !isFinished(job.state);
  const retrying = job.state === 'QUEUED' && job.error !== null;
  return (
    <li
      className="message theirs job"
      data-job-id={job.id}
      data-job-state={job.state}
      aria-busy={running}
      aria-label={`${botName}'s reply`}
    >
      {job.text.trim() !== '' && job.state !== 'FAILED' && (
        <div className="bubble">
          <Markdown text={job.text} />
        </div>
      )}
      <div className="meta small job-meta">
        {running && !retrying && <TypingDots label={`${botName} is writing`} />}
        {retrying && (
          <span role="status">
            {botName} did not answer; trying again (attempt {job.attempts + 1})…
          </span>
        )}
        {job.state === 'CANCELED' && (
          <span className="stopped-mark" role="status">
            Stopped
          </span>
        )}
        {job.state === 'FAILED' && <ErrorNote summary={`${botName} could not answer.`} detail={job.error} />}
        {running && (
          <button type="button" className="small" onClick={() => void stop()} disabled={busy}>
            Stop
          </button>
        )}
        {(job.state === 'FAILED' || (job.state === 'CANCELED' && isLast)) && (
          <button type="button" className="small" onClick={() => void retry()} disabled={busy}>
            {job.state === 'FAILED' ? 'Retry' : 'Regenerate'}
          </button>
        )}
      </div>
      {actionError !== null && <ErrorNote summary="That did not work. Please try again." detail={actionError} />}
    </li>
  );
}
