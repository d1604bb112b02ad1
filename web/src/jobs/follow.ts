import type { ApolloClient } from '@apollo/client';
import type { JobFieldsFragment } from '../gql/graphql';
import { isFinished } from './merge';
import { JobStatusQuery, JobUpdatedSubscription } from './operations';

export type Job = JobFieldsFragment;

const POLL_MS = 1000;

/**
 * Follows one job to its end: every copy goes to `seen`. The subscription (jobUpdated) first; should the
 * socket fail, jobStatus is polled instead. Returns a function that stops following.
 */
export function followJob(client: ApolloClient, jobId: string, seen: (job: Job) => void): () => void {
  let done = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let polling = false;
  const stop = () => {
    done = true;
    clearTimeout(timer);
    subscription.unsubscribe();
  };
  const take = (job: Job) => {
    if (done) return;
    seen(job);
    if (isFinished(job.state)) stop();
  };
  const poll = () => {
    if (done) return;
    client
      .query({ query: JobStatusQuery, variables: { id: jobId }, fetchPolicy: 'no-cache' })
      .then(({ data }) => data && take(data.jobStatus))
      .catch(() => undefined)
      .finally(() => {
        if (!done) timer = setTimeout(poll, POLL_MS);
      });
  };
  const startPolling = () => {
    if (polling || done) return;
    polling = true;
    poll();
  };
  const subscription = client.subscribe({ query: JobUpdatedSubscription, variables: { id: jobId } }).subscribe({
    next: (result) => {
      if (result.data?.jobUpdated) take(result.data.jobUpdated);
      else if (result.error) startPolling();
    },
    error: startPolling,
    complete: startPolling,
  });
  if (done) subscription.unsubscribe();
  return stop;
}
