import type { RateLimit } from '../auth/rate-limiter';
import type { BotRegistry } from '../bots/bot-registry';
import type { Config } from '../config';
import type { Db } from '../db/client';
import { badInput, forbidden, notFound } from '../errors';
import type { ChatJob, Prisma } from '../generated/prisma/client';
import { parseId } from '../ids';
import type { Logger } from '../logger';
import { currentRequestId } from '../metrics/request-id';
import type { PubSub } from '../pubsub';
import type { JobQueue } from '../queue';
import { settleTokens } from '../study/token-budget';
import { reservationFor } from '../usage/quota-reservation';
import { checkOpenAndQuota, insertWithinLimits } from './admission';
import { allowedModel } from './allowed-models';
import { parseTurns, type StoredTurn } from './chat-input';
import { type ChatJobDto, isFinished, toJobDto } from './chat-job.dto';
import { insertJob } from './insert-job';
import { type JobOwner, ownerKey, ownerWhere, owns } from './job-owner';
import { JOB_CANCEL_TOPIC, jobTopic } from './jobs.topics';
import type { SubmitChatInput } from './submit-chat.input';

const CANCEL_GRACE_MS = 5000;

/**
 * What a stateless submitChat job carries; bot replies read their conversation when they run, and so do
 * participants' calls (their turns are empty here: the worker builds them from the stored study turns).
 */
export interface StoredChatInput {
  turns: StoredTurn[];
  maxTokens: number;
  temperature?: number;
}

export class JobsService {
  constructor(
    private readonly db: Db,
    private readonly queue: JobQueue,
    private readonly pubsub: PubSub,
    /** CHAT_RATE_PER_MINUTE, per owner. */
    private readonly chatRate: RateLimit,
    private readonly bots: BotRegistry,
    private readonly config: Config,
    private readonly log: Logger,
  ) {}

  /** Queues a stateless model call of a user (participants go through ParticipantChatService). */
  async submitChat(owner: JobOwner, input: SubmitChatInput): Promise<ChatJobDto> {
    const model = input.model?.trim() || this.config.GPT_VERSION;
    const refusal = allowedModel(this.config, model);
    if (refusal) {
      throw badInput(refusal, 'model');
    }
    if (model.length > 100) throw badInput('model is too long.', 'model');
    const maxTokens = input.maxTokens ?? this.config.GPT_TOKEN_LIMIT;
    if (!Number.isInteger(maxTokens) || maxTokens < 1 || maxTokens > this.config.GPT_TOKEN_LIMIT) {
      throw badInput(`maxTokens must be 1 to ${this.config.GPT_TOKEN_LIMIT}.`, 'maxTokens');
    }
    const turns = parseTurns(input.messages, {
      maxImageBytes: this.config.MAX_IMAGE_BYTES,
      maxImagesPerTurn: this.config.MAX_IMAGES_PER_TURN,
      maxImages: this.config.MAX_IMAGES_PER_REQUEST,
      maxTotalBytes: this.config.MAX_IMAGE_BYTES_PER_REQUEST,
      maxTurns: 200,
      maxChars: 200_000,
    });
    const stored: StoredChatInput = { turns, maxTokens };
    return this.create(owner, { model, input: stored as unknown as Prisma.InputJsonValue });
  }

  /**
   * Stores a user's message to a bot (`storeMessage`) together with the bot's reply job, within the user's
   * model-call limits, then queues the job. The job exists before anyone sees the message.
   */
  async storeMessageForBot<M extends { id: string }>(
    userId: string,
    botUserId: string,
    storeMessage: (tx: Prisma.TransactionClient) => Promise<M>,
  ): Promise<{ message: M; job: ChatJobDto }> {
    const bot = this.bots.get(botUserId);
    const model = bot?.kind === 'openai' ? bot.model : (bot?.name ?? 'unconfigured');
    const owner: JobOwner = { kind: 'user', userId };
    const { message, job } = await this.admit(owner, async (tx) => {
      const message = await storeMessage(tx);
      const job = await tx.chatJob.create({
        data: {
          model,
          botId: botUserId,
          triggerMessageId: message.id,
          input: {},
          reservedTokens: reservationFor(this.config, {}),
          ...this.rowOf(owner),
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
  async replyAgain(userId: string, botUserId: string, triggerMessageId: string): Promise<ChatJobDto> {
    const bot = this.bots.get(botUserId);
    const model = bot?.kind === 'openai' ? bot.model : (bot?.name ?? 'unconfigured');
    return this.create({ kind: 'user', userId }, { model, botId: botUserId, triggerMessageId, input: {} });
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
    return this.create(owner, {
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
    const job = await this.db.chatJob.findUnique({ where: { id: parseId(jobId, 'id') } });
    // Someone else's job is indistinguishable from none.
    if (!job || !owns(owner, job)) throw notFound('No such job.');
    // Results are kept for JOB_RESULT_TTL_SECONDS; the purge that deletes them runs only now and then.
    if (job.finishedAt && job.finishedAt.getTime() < Date.now() - this.config.JOB_RESULT_TTL_SECONDS * 1000) {
      throw notFound('This job has expired.');
    }
    return job;
  }

  /**
   * Runs `insert` (which creates the job row) only while the owner is within CHAT_MAX_CONCURRENT unfinished
   * jobs, their daily quota and CHAT_RATE_PER_MINUTE. A per-owner advisory lock held by the same transaction
   * makes the count and the insert atomic: concurrent calls of one owner queue on the lock and each sees the
   * rows before it. A call refused for concurrency or quota does not use up the rate.
   */
  private admit<T>(owner: JobOwner, insert: (tx: Prisma.TransactionClient) => Promise<T>): Promise<T> {
    return this.withinRate(owner, (tx) => checkOpenAndQuota(tx, this.config, owner), insert);
  }

  /**
   * A transaction that runs `limits` (concurrency and quota; it may write the job already), then checks the
   * owner's rate, then runs `then`. The rate point is taken while the transaction starts (a Redis round trip off
   * the path) and given back when `limits` refuses, as if it had never been counted.
   */
  private async withinRate<A, T>(
    owner: JobOwner,
    limits: (tx: Prisma.TransactionClient) => Promise<A>,
    then: (tx: Prisma.TransactionClient, admitted: A) => Promise<T>,
  ): Promise<T> {
    const key = ownerKey(owner);
    const rate = this.chatRate.consume(key).then(
      () => null,
      (refusal: unknown) => ({ refusal }),
    );
    let rateUsed = false;
    try {
      return await this.db.$transaction(
        async (tx) => {
          const admitted = await limits(tx);
          rateUsed = true;
          const refused = await rate;
          if (refused) throw refused.refusal;
          return then(tx, admitted);
        },
        // Many calls of one owner wait their turn on the lock; each holds it for a few milliseconds.
        { maxWait: 10_000, timeout: 15_000 },
      );
    } catch (error) {
      if (!rateUsed) await rate.then(() => this.chatRate.reward(key));
      throw error;
    }
  }

  /** The admission check inside the caller's transaction, which then inserts the job row before it commits. */
  async admitIn(tx: Prisma.TransactionClient, owner: JobOwner): Promise<void> {
    await checkOpenAndQuota(tx, this.config, owner);
    await this.chatRate.consume(ownerKey(owner));
  }

  private rowOf(owner: JobOwner) {
    // The HTTP request's id (X-Request-Id): the worker logs it with every line about this job.
    return { ...ownerWhere(owner), requestId: currentRequestId() };
  }

  private async create(
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
        ? await this.withinRate(
            owner,
            (tx) => insertWithinLimits(tx, this.config, { ...row, userId: owner.userId }),
            async (_tx, inserted) => inserted,
          )
        : await this.admit(owner, (tx) => insertJob(tx, row));
    return this.enqueue(job);
  }

  /** Queues a job whose row is written; should the queue be down, the job fails (QUEUE_UNAVAILABLE) and this throws. */
  async enqueue(job: ChatJob): Promise<ChatJobDto> {
    try {
      await this.queue.enqueue(job.id);
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
