import type { Pool } from 'pg';
import type { RateLimit } from '../auth/rate-limiter';
import type { BotRegistry } from '../bots/bot-registry';
import type { Config } from '../config';
import { type Db, poolOf } from '../db/client';
import { badInput, forbidden, notFound } from '../errors';
import type { ChatJob, Prisma } from '../generated/prisma/client';
import { parseId } from '../ids';
import type { Logger } from '../logger';
import type { PubSub } from '../pubsub';
import type { JobQueue } from '../queue';
import { settleTokens } from '../study/token-budget';
import { reservationFor } from '../usage/quota-reservation';
import { type ChatJobDto, isFinished, toJobDto } from './chat-job.dto';
import { JobAdmission } from './job-admission';
import { type JobOwner, owns } from './job-owner';
import { readJob } from './job-sql';
import { JobUpdates } from './job-updates';
import { JOB_CANCEL_TOPIC, jobTopic } from './jobs.topics';
import type { SubmitChatInput } from './submit-chat.input';
import { validateSubmit } from './submit-validation';

export type { StoredChatInput } from './submit-validation';

const CANCEL_GRACE_MS = 5000;

export class JobsService {
  private readonly pool: Pool;
  private readonly updates: JobUpdates;
  private readonly admission: JobAdmission;

  constructor(
    private readonly db: Db,
    private readonly queue: JobQueue,
    private readonly pubsub: PubSub,
    /** CHAT_RATE_PER_MINUTE, per owner. */
    chatRate: RateLimit,
    private readonly bots: BotRegistry,
    private readonly config: Config,
    private readonly log: Logger,
  ) {
    this.pool = poolOf(db);
    this.updates = new JobUpdates(
      pubsub,
      async (jobId) => {
        const job = await readJob(this.pool, jobId);
        return job && toJobDto(job);
      },
      log,
    );
    this.admission = new JobAdmission(db, this.pool, queue, chatRate, config, log);
  }

  /** Queues a stateless model call of a user (participants go through ParticipantChatService). */
  async submitChat(owner: JobOwner, input: SubmitChatInput): Promise<ChatJobDto> {
    const { model, stored } = validateSubmit(this.config, input);
    return this.admission.create(owner, { model, input: stored as unknown as Prisma.InputJsonValue });
  }

  /**
   * Stores a user's message to a bot (`storeMessage`) together with the bot's reply job, within the user's
   * model-call limits, then queues the job. The job exists before anyone sees the message.
   */
  async storeMessageForBot<M extends { id: string }>(
    owner: JobOwner & { kind: 'user' },
    botUserId: string,
    storeMessage: (tx: Prisma.TransactionClient) => Promise<M>,
  ): Promise<{ message: M; job: ChatJobDto }> {
    const bot = this.bots.get(botUserId);
    const model = bot?.kind === 'openai' ? bot.model : (bot?.name ?? 'unconfigured');
    const { message, job } = await this.admission.admit(owner, async (tx) => {
      const message = await storeMessage(tx);
      const job = await tx.chatJob.create({
        data: {
          model,
          botId: botUserId,
          triggerMessageId: message.id,
          input: {},
          reservedTokens: reservationFor(this.config, {}),
          ...this.admission.rowOf(owner),
        },
      });
      return { message, job };
    });
    // A queue failure marks the job FAILED (shown with the message); the message itself stands.
    return { message, job: await this.enqueue(job).catch(() => toJobDto({ ...job, state: 'FAILED' })) };
  }

  /**
   * A new reply of a bot to the user's message `triggerMessageId` (regenerate): the same model-call limits as
   * any message to a bot, counted before the job is written. The bot reads the conversation up to that message.
   */
  async replyAgain(
    owner: JobOwner & { kind: 'user' },
    botUserId: string,
    triggerMessageId: string,
  ): Promise<ChatJobDto> {
    const bot = this.bots.get(botUserId);
    const model = bot?.kind === 'openai' ? bot.model : (bot?.name ?? 'unconfigured');
    return this.admission.create(owner, { model, botId: botUserId, triggerMessageId, input: {} });
  }

  async status(owner: JobOwner, jobId: string): Promise<ChatJobDto> {
    return toJobDto(await this.owned(owner, jobId));
  }

  /** Stops a queued or running job; a finished one is returned as it is. */
  async cancel(owner: JobOwner, jobId: string): Promise<ChatJobDto> {
    const job = await this.owned(owner, jobId);
    if (isFinished(job.state)) return toJobDto(job);
    const cancel = (state: 'QUEUED' | 'ACTIVE') =>
      this.db.chatJob.updateMany({ where: { id: job.id, state }, data: { state: 'CANCELED', finishedAt: new Date() } });
    if ((await cancel('QUEUED')).count === 1) {
      // No worker has it: this is the last word on the job, and no model call was made.
      await this.queue.remove(job.id);
      if (job.participationId) await settleTokens(this.db, job.id, 0, false);
      await this.publish(await this.status(owner, jobId));
    } else if ((await cancel('ACTIVE')).count === 1) {
      // Its worker stops, stores the text so far and publishes the final state, with the reply's id.
      await this.pubsub.publish(JOB_CANCEL_TOPIC, { jobId: job.id });
      // Should no worker answer (it died), subscribers still hear the end.
      setTimeout(() => void this.publishLatest(job.id), CANCEL_GRACE_MS).unref();
    }
    return this.status(owner, jobId);
  }

  private async publishLatest(jobId: string) {
    // Runs from a timer: nothing awaits it, so every failure is logged here.
    const failed = (err: unknown) => this.log.warn({ err, jobId }, 'publishing a canceled job failed');
    const job = await this.db.chatJob.findUnique({ where: { id: jobId } }).catch(failed);
    if (job) await this.publish(toJobDto(job)).catch(failed);
  }

  /** A new job with the same request as a failed or canceled one. */
  async retry(owner: JobOwner, jobId: string): Promise<ChatJobDto> {
    const job = await this.owned(owner, jobId);
    if (owner.kind === 'participant') throw forbidden('Participants send their message again instead.');
    if (job.state !== 'FAILED' && job.state !== 'CANCELED')
      throw badInput('Only a failed or canceled job can be retried.', 'id');
    return this.admission.create(owner, {
      model: job.model,
      botId: job.botId,
      triggerMessageId: job.triggerMessageId,
      input: job.input as Prisma.InputJsonValue,
    });
  }

  /** The latest job of each message, for Message.job. */
  async latestForMessages(messageIds: readonly string[]): Promise<(ChatJobDto | null)[]> {
    const jobs = await this.db.chatJob.findMany({
      where: { triggerMessageId: { in: [...messageIds] } },
      orderBy: { createdAt: 'asc' },
    });
    const latest = new Map(jobs.map((job) => [job.triggerMessageId, job]));
    return messageIds.map((id) => {
      const job = latest.get(id);
      return job ? toJobDto(job) : null;
    });
  }

  /** The job's updates from now on, for jobUpdated: resolves once live (read its snapshot after). */
  follow(jobId: string): Promise<AsyncIterableIterator<ChatJobDto>> {
    return this.updates.follow(jobId);
  }

  publish(dto: ChatJobDto) {
    return this.pubsub.publish(jobTopic(dto.id), dto);
  }

  /** Deletes finished jobs older than JOB_RESULT_TTL_SECONDS (their replies stay as messages). */
  async purgeExpired(): Promise<number> {
    const before = new Date(Date.now() - this.config.JOB_RESULT_TTL_SECONDS * 1000);
    const { count } = await this.db.chatJob.deleteMany({
      where: { state: { in: ['COMPLETED', 'FAILED', 'CANCELED'] }, finishedAt: { lt: before } },
    });
    return count;
  }

  private async owned(owner: JobOwner, jobId: string): Promise<ChatJob> {
    const job = await readJob(this.pool, parseId(jobId, 'id'));
    // Someone else's job is indistinguishable from none.
    if (!job || !owns(owner, job)) throw notFound('No such job.');
    // Results are kept for JOB_RESULT_TTL_SECONDS; the purge that deletes them runs only now and then.
    if (job.finishedAt && job.finishedAt.getTime() < Date.now() - this.config.JOB_RESULT_TTL_SECONDS * 1000) {
      throw notFound('This job has expired.');
    }
    return job;
  }

  /** The admission check inside the caller's transaction, which then inserts the job row before it commits. */
  admitIn(tx: Prisma.TransactionClient, owner: JobOwner): Promise<void> {
    return this.admission.admitIn(tx, owner);
  }

  /** Queues a job whose row is written; should the queue be down, the job fails (QUEUE_UNAVAILABLE) and this throws. */
  enqueue(job: ChatJob): Promise<ChatJobDto> {
    return this.admission.enqueue(job);
  }
}
