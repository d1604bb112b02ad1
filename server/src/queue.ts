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
  enqueue(jobId: string): Promise<void>;
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

const within = (promise: Promise<unknown>, ms: number) =>
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

  async enqueue(jobId: string) {
    await this.queue.add(
      'chat',
      {},
      {
        jobId,
        attempts: this.retry.attempts,
        backoff: { type: 'exponential', delay: this.retry.backoffMs },
        removeOnComplete: { age: this.resultTtlSeconds },
        removeOnFail: { age: this.resultTtlSeconds },
      },
    );
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

/** Single-node mode: the same retries and backoff, in this process. */
export class InProcessQueue implements JobQueue {
  private processor: JobProcessor | undefined;
  private concurrency = 1;
  private readonly waiting: { jobId: string; attempt: number }[] = [];
  private readonly running = new Map<string, AbortController>();
  private readonly runs = new Set<Promise<void>>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(
    private readonly retry: RetryPolicy,
    private readonly log: Logger,
  ) {}

  async enqueue(jobId: string) {
    this.waiting.push({ jobId, attempt: 1 });
    this.pump();
  }

  async remove(jobId: string) {
    const index = this.waiting.findIndex((w) => w.jobId === jobId);
    if (index >= 0) this.waiting.splice(index, 1);
  }

  abortLocal(jobId: string) {
    this.running.get(jobId)?.abort();
  }

  startWorker(processor: JobProcessor, concurrency: number) {
    this.processor = processor;
    this.concurrency = concurrency;
    this.pump();
  }

  async depth() {
    return { waiting: this.waiting.length + this.timers.size, active: this.running.size };
  }

  async close(graceMs = 10_000) {
    // Not aborted: an abort means "canceled by its owner". What does not finish in time is resumed at the next start.
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    if (!(await within(Promise.all(this.runs), graceMs)))
      this.log.warn('jobs still running at shutdown: they resume at the next start');
  }

  private pump() {
    while (!this.closed && this.processor && this.running.size < this.concurrency && this.waiting.length) {
      const next = this.waiting.shift();
      if (!next) continue;
      const run = this.run(this.processor, next.jobId, next.attempt);
      this.runs.add(run);
      void run.finally(() => this.runs.delete(run));
    }
  }

  private async run(processor: JobProcessor, jobId: string, attempt: number) {
    const controller = new AbortController();
    this.running.set(jobId, controller);
    try {
      await processor({ jobId, attempt, maxAttempts: this.retry.attempts, signal: controller.signal });
    } catch (error) {
      if (!(error instanceof PermanentJobError) && attempt < this.retry.attempts && !this.closed) {
        const delay = this.retry.backoffMs * 2 ** (attempt - 1);
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          this.waiting.push({ jobId, attempt: attempt + 1 });
          this.pump();
        }, delay);
        this.timers.add(timer);
      } else {
        this.log.debug({ jobId, err: error }, 'job failed for good');
      }
    } finally {
      this.running.delete(jobId);
      this.pump();
    }
  }
}
