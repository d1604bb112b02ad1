import { useApolloClient } from '@apollo/client/react';
import { useEffect, useState } from 'react';
import { followJob, type Job } from './follow';
import { isFinished, newerJob } from './merge';

/**
 * The newest known state of a job: `seed` (from the cache, a mutation, a reload) merged with what the
 * subscription (or polling) reports until the job finishes. A new seed id starts over.
 */
export function useFollowJob(seed: Job | null): Job | null {
  const client = useApolloClient();
  const [job, setJob] = useState<Job | null>(seed);

  useEffect(() => {
    if (seed) setJob((known) => newerJob(known, seed));
    else setJob(null);
  }, [seed]);

  const id = job?.id;
  const finished = isFinished(job?.state);
  useEffect(() => {
    if (!id || finished) return;
    return followJob(client, id, (update) => setJob((known) => newerJob(known, update)));
  }, [client, id, finished]);

  // Until the effect above catches up, a new seed wins over the old job.
  return seed && job && job.id !== seed.id ? seed : job;
}
