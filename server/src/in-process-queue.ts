import type { Logger } from './logger';
import { type JobProcessor, type JobQueue, PermanentJobError, type RetryPolicy, within } from './queue';

/** Single-node mode: the same retries and backoff, in this process. */
export class InProcessQueue implements JobQueue {
  private processor: JobProcessor | undefined;
  private concurrency = 1;
  private readonly waiting: { jobId: string; attempt: number; call?: unknown }[] = [];
  private readonly running = new Map<string, AbortController>();
  private readonly runs = new Set<Promise<void>>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(
    private readonly retry: RetryPolicy,
    private readonly log: Logger,
  ) {}

  async enqueue(jobId: string, call?: unknown) {
    this.waiting.push({ jobId, attempt: 1, call });
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
      const run = this.run(this.processor, next);
      this.runs.add(run);
      void run.finally(() => this.runs.delete(run));
    }
  }

  private async run(
    processor: JobProcessor,
    { jobId, attempt, call }: { jobId: string; attempt: number; call?: unknown },
  ) {
    const controller = new AbortController();
    this.running.set(jobId, controller);
    try {
      await processor({ jobId, attempt, maxAttempts: this.retry.attempts, signal: controller.signal, call });
    } catch (error) {
      if (!(error instanceof PermanentJobError) && attempt < this.retry.attempts && !this.closed) {
        const delay = this.retry.backoffMs * 2 ** (attempt - 1);
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          this.waiting.push({ jobId, attempt: attempt + 1, call });
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
