import { useApolloClient, useSubscription } from '@apollo/client/react';
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { graphql } from '../gql';
import type { JobFieldsFragment } from '../gql/graphql';
import { isFinished, needsBubble, newerJob, replyClientId } from '../jobs/merge';
import { errorMessage } from '../lib/errors';
import { Markdown } from './Markdown';

export type Job = JobFieldsFragment;

const JobUpdatedSubscription = graphql(`
  subscription JobUpdated($id: ID!) {
    jobUpdated(id: $id) {
      ...JobFields
    }
  }
`);

const JobStatusQuery = graphql(`
  query JobStatus($id: ID!) {
    jobStatus(id: $id) {
      ...JobFields
    }
  }
`);

const CancelChatMutation = graphql(`
  mutation CancelChat($id: ID!) {
    cancelChat(id: $id) {
      ...JobFields
    }
  }
`);

const RetryChatMutation = graphql(`
  mutation RetryChat($id: ID!) {
    retryChat(id: $id) {
      ...JobFields
    }
  }
`);

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

/**
 * The bot's reply while it is being written: follows the job over jobUpdated
 * and shows the text so far, Stop while it runs, the error and Retry when it
 * failed. Once the stored reply is in the list, it steps aside.
 */
export function BotReply({ job: fromCache, messageId, botName, isLast, present, onGrow }: BotReplyProps) {
  const client = useApolloClient();
  const [job, setJob] = useState<Job>(fromCache);
  const [actionError, setActionError] = useState<string | null>(null);
  const [busy, setBusy] = useState<'cancel' | 'retry' | null>(null);

  // The cache's copy changes too (a refetch after a reconnect, a mutation, the echo of the message).
  useEffect(() => {
    setJob((known) => newerJob(known, fromCache));
  }, [fromCache]);

  const finished = isFinished(job.state);
  useSubscription(JobUpdatedSubscription, {
    variables: { id: job.id },
    skip: finished,
    ignoreResults: true,
    onData: ({ data }) => {
      const update = data.data?.jobUpdated;
      if (update) setJob((known) => newerJob(known, update));
    },
  });

  const replied =
    (job.replyMessageId !== null && present.has(job.replyMessageId)) || present.has(replyClientId(job.id));

  // A stopped job stores what was said after the cancel is reported: ask for the reply's id a few
  // times, in case its message did not come through the subscription.
  const lookups = useRef(0);
  useEffect(() => {
    if (job.state !== 'CANCELED' || replied || job.replyMessageId || lookups.current >= 3) return;
    const timer = setTimeout(
      () => {
        lookups.current += 1;
        client
          .query({ query: JobStatusQuery, variables: { id: job.id }, fetchPolicy: 'network-only' })
          .then(({ data }) => {
            if (data) setJob((known) => newerJob(known, data.jobStatus));
          })
          .catch(() => undefined);
      },
      1000 * (lookups.current + 1),
    );
    return () => clearTimeout(timer);
  }, [job, replied, client]);

  const visible = needsBubble(job, isLast, replied);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the text and state are what change the size
  useLayoutEffect(() => {
    if (visible) onGrow();
  }, [visible, job.text, job.state, onGrow]);

  if (!visible) return null;

  const stop = async () => {
    setBusy('cancel');
    setActionError(null);
    try {
      const { data } = await client.mutate({ mutation: CancelChatMutation, variables: { id: job.id } });
      if (data) setJob((known) => newerJob(known, data.cancelChat));
    } catch (error) {
      setActionError(errorMessage(error));
    } finally {
      setBusy(null);
    }
  };

  const retry = async () => {
    setBusy('retry');
    setActionError(null);
    try {
      await client.mutate({
        mutation: RetryChatMutation,
        variables: { id: job.id },
        update(cache, { data }) {
          const next = data?.retryChat;
          if (!next) return;
          // The message now points at the new job: this bubble gives way to one that follows it.
          cache.modify({
            id: cache.identify({ __typename: 'Message', id: messageId }),
            fields: { job: (_previous, { toReference }) => toReference(next) ?? null },
          });
        },
      });
    } catch (error) {
      setActionError(errorMessage(error));
      setBusy(null);
    }
  };

  const running = !finished;
  const retrying = job.state === 'QUEUED' && job.error !== null;
  let note: string | null = null;
  if (retrying) note = `${job.error?.message ?? 'The model did not answer.'} Retrying (attempt ${job.attempts + 1})…`;
  else if (job.state === 'CANCELED') note = 'Stopped.';
  else if (job.state === 'FAILED') note = job.error?.message ?? 'The model did not answer.';

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
        {running && !retrying && (
          <span className="typing" role="status" aria-label={`${botName} is writing`}>
            <span />
            <span />
            <span />
          </span>
        )}
        {note && (
          <span
            className={job.state === 'FAILED' ? 'error' : undefined}
            role={job.state === 'FAILED' ? 'alert' : 'status'}
          >
            {job.state === 'FAILED' && job.error ? <span className="visually-hidden">{job.error.code}: </span> : null}
            {note}
          </span>
        )}
        {running && (
          <button type="button" className="small" onClick={() => void stop()} disabled={busy !== null}>
            Stop
          </button>
        )}
        {(job.state === 'FAILED' || (job.state === 'CANCELED' && isLast)) && (
          <button type="button" className="small" onClick={() => void retry()} disabled={busy !== null}>
            Retry
          </button>
        )}
      </div>
      {actionError && (
        <div className="failed small" role="alert">
          {actionError}
        </div>
      )}
    </li>
  );
}
