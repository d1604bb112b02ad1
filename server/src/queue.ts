import { Queue, UnrecoverableError, Worker } from 'bullmq';
import type { Logger } from './logger';

/** What a processor throws to say that trying again cannot help. */
export class PermanentJobError extends Error {}

export interface JobRun {
  jobId: string;
  /** 1 for the first attempt. */
  attempt: number;
  maxAttempts: number;
  signal: AbortSignal;
  /** What the job's model call needs, when the API sent it along with the id (jobs/queued-call.ts). */
  call?: unknown;
}

export type JobProcessor = (run: JobRun) => Promise<void>;

export interface RetryPolicy {
  attempts: number;
  backoffMs: number;
}

/**
 * Carries job ids from the API to workers, with retries and exponential backoff. Two engines: BullMQ on
 * Redis (any number of worker processes), or in-process for single-node mode. The job's record lives in
 * Postgres; the queue only decides who runs what, when.
 */
export interface JobQueue {
  /** `call`: small, JSON-safe facts the worker may start the job's work from before it reads the row. */
  enqueue(jobId: string, call?: unknown): Promise<void>;
  /** Drops a job that has not started; harmless when it has. */
  remove(jobId: string): Promise<void>;
  /** Aborts the job if this process is running it. */
  abortLocal(jobId: string): void;
  startWorker(processor: JobProcessor, concurrency: number): void;
  /** Jobs waiting (or waiting to be retried) and running, for the metrics. */
  depth(): Promise<{ waiting: number; active: number }>;
  /**
   * Stops taking jobs and lets the running ones finish, for at most `graceMs`; after that it stops waiting
   * and the unfinished ones go back to the queue (BullMQ: their lock expires and another worker takes them;
   * single node: they are resumed at the next start).
   */
  close(graceMs?: number): Promise<void>;
}

/** Whether `promise` settles within `ms` (it is not stopped either way). */
export const within = (promise: Promise<unknown>, ms: number) =>
  Promise.race([
    promise.then(() => true),
    new Promise<boolean>((resolve) => setTimeout(() => resolve(false), ms).unref()),
  ]);

export class BullMqQueue implements JobQueue {
  private readonly queue: Queue;
  private worker: Worker | undefined;

  constructor(
    private readonly redisUrl: string,
    private readonly prefix: string,
    private readonly retry: RetryPolicy,
    private readonly resultTtlSeconds: number,
    private readonly lockMs: number,
    private readonly log: Logger,
  ) {
    this.queue = new Queue('chat', { connection: { url: redisUrl }, prefix: `${prefix}:bull` });
    this.queue.on('error', (err) => log.warn({ err }, 'queue error'));
  }

  async enqueue(jobId: string, call?: unknown) {
    await this.queue.add('chat', call === undefined ? {} : { call }, {
      jobId,
      attempts: this.retry.attempts,
      backoff: { type: 'exponential', delay: this.retry.backoffMs },
      removeOnComplete: { age: this.resultTtlSeconds },
      removeOnFail: { age: this.resultTtlSeconds },
    });
  }

  async remove(jobId: string) {
    await this.queue.remove(jobId).catch(() => 0);
  }

  abortLocal(jobId: string) {
    this.worker?.cancelJob(jobId, 'canceled');
  }

  startWorker(processor: JobProcessor, concurrency: number) {
    this.worker = new Worker(
      'chat',
      async (job, _token, signal) => {
        try {
          await processor({
            jobId: String(job.id),
            attempt: job.attemptsStarted,
            maxAttempts: job.opts.attempts ?? 1,
            signal: signal ?? new AbortController().signal,
            call: (job.data as { call?: unknown } | undefined)?.call,
          });
        } catch (error) {
          if (error instanceof PermanentJobError) throw new UnrecoverableError(error.message);
          throw error;
        }
      },
      {
        connection: { url: this.redisUrl, maxRetriesPerRequest: null },
        prefix: `${this.prefix}:bull`,
        concurrency,
        lockDuration: this.lockMs,
        stalledInterval: Math.max(1000, Math.floor(this.lockMs / 2)),
        maxStalledCount: 2,
      },
    );
    this.worker.on('error', (err) => this.log.warn({ err }, 'worker error'));
  }

  async depth() {
    const counts = await this.queue.getJobCounts('waiting', 'delayed', 'prioritized', 'active');
    return {
      waiting: (counts.waiting ?? 0) + (counts.delayed ?? 0) + (counts.prioritized ?? 0),
      active: counts.active ?? 0,
    };
  }

  async close(graceMs = 10_000) {
    if (this.worker) {
      const closing = this.worker.close();
      if (!(await within(closing, graceMs))) {
        this.log.warn('jobs still running at shutdown: they go back to the queue when their lock expires');
        await within(this.worker.close(true), 1000);
      }
    }
    await this.queue.close();
  }
}
