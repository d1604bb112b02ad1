/** Snapshots of one job as it changes (throttled while streaming). */
export const jobTopic = (jobId: string) => `jobs:updated:${jobId}`;
/** Asks whichever worker runs a job to stop it. */
export const JOB_CANCEL_TOPIC = 'jobs:cancel';
