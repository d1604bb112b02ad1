import type { Pool } from 'pg';
import type { RateLimit } from '../auth/rate-limiter';
import type { Config } from '../config';
import type { Db } from '../db/client';
import type { ChatJob, Prisma } from '../generated/prisma/client';
import type { Logger } from '../logger';
import type { JobQueue } from '../queue';
import { reservationFor } from '../usage/quota-reservation';
import { checkOpenAndQuota } from './admission';
import { type ChatJobDto, toJobDto } from './chat-job.dto';
import { insertJob } from './insert-job';
import { type JobOwner, ownerKey, ownerWhere } from './job-owner';
import { queuedCall } from './queued-call';
import { withinRate } from './rate-gate';
import type { StoredChatInput } from './submit-validation';
import { admitUserJob } from './user-admission';

/**
 * Writes jobs within their owner's limits (CHAT_MAX_CONCURRENT, the daily quota, CHAT_RATE_PER_MINUTE), then
 * queues them: the row is committed before the queue hears of it, so a worker always finds it.
 */
export class JobAdmission {
  constructor(
    private readonly db: Db,
    private readonly pool: Pool,
    private readonly queue: JobQueue,
    /** CHAT_RATE_PER_MINUTE, per owner. */
    private readonly chatRate: RateLimit,
    private readonly config: Config,
    private readonly log: Logger,
  ) {}

  /**
   * Runs `insert` (which creates the job row) only while the owner is within CHAT_MAX_CONCURRENT unfinished
   * jobs, their daily quota and CHAT_RATE_PER_MINUTE. A per-owner advisory lock held by the same transaction
   * makes the count and the insert atomic: concurrent calls of one owner queue on the lock and each sees the
   * rows before it. A call refused for concurrency or quota does not use up the rate.
   */
  admit<T>(owner: JobOwner, insert: (tx: Prisma.TransactionClient) => Promise<T>): Promise<T> {
    return withinRate(this.chatRate, ownerKey(owner), (checkRate) =>
      this.db.$transaction(
        async (tx) => {
          await checkOpenAndQuota(tx, this.config, owner);
          await checkRate();
          return insert(tx);
        },
        // Many calls of one owner wait their turn on the lock; each holds it for a few milliseconds.
        { maxWait: 10_000, timeout: 15_000 },
      ),
    );
  }

  /** The admission check inside the caller's transaction, which then inserts the job row before it commits. */
  async admitIn(tx: Prisma.TransactionClient, owner: JobOwner): Promise<void> {
    await checkOpenAndQuota(tx, this.config, owner);
    await this.chatRate.consume(ownerKey(owner));
  }

  rowOf(owner: JobOwner) {
    // The request's id (X-Request-Id): the worker logs it with every line about this job.
    return { ...ownerWhere(owner), requestId: owner.requestId ?? null };
  }

  async create(
    owner: JobOwner,
    data: {
      model: string;
      input: Prisma.InputJsonValue;
      botId?: string | null;
      triggerMessageId?: string | null;
      taskId?: string | null;
    },
  ): Promise<ChatJobDto> {
    const reservedTokens = reservationFor(this.config, data.botId ? {} : (data.input as unknown as StoredChatInput));
    const row = { ...data, reservedTokens, ...this.rowOf(owner) };
    // A user's count, quota facts and insert are one statement (participants' calls are admitted elsewhere).
    const job =
      owner.kind === 'user'
        ? await withinRate(this.chatRate, ownerKey(owner), (checkRate, granted) =>
            admitUserJob(this.pool, this.config, { ...row, userId: owner.userId }, checkRate, granted),
          )
        : await this.admit(owner, (tx) => insertJob(tx, row));
    return this.enqueue(job);
  }

  /** Queues a job whose row is written; should the queue be down, the job fails (QUEUE_UNAVAILABLE) and this throws. */
  async enqueue(job: ChatJob): Promise<ChatJobDto> {
    try {
      await this.queue.enqueue(job.id, queuedCall(job));
    } catch (error) {
      this.log.error({ err: error, jobId: job.id }, 'could not queue a job');
      await this.db.chatJob.update({
        where: { id: job.id },
        data: {
          state: 'FAILED',
          errorCode: 'QUEUE_UNAVAILABLE',
          errorMessage: 'The job queue is unavailable.',
          finishedAt: new Date(),
        },
      });
      throw error;
    }
    return toJobDto(job);
  }
}
