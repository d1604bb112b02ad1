/** What every job's topic starts with (JobUpdates hears them all with one subscription). */
export const JOB_TOPIC_PREFIX = 'jobs:updated:';
/** Snapshots of one job as it changes (throttled while streaming). */
export const jobTopic = (jobId: string) => `${JOB_TOPIC_PREFIX}${jobId}`;
/** Asks whichever worker runs a job to stop it. */
export const JOB_CANCEL_TOPIC = 'jobs:cancel';
