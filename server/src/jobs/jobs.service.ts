import { randomUUID } from 'node:crypto';
import type { RateLimiter } from '../auth/rate-limiter';
import type { BotRegistry } from '../bots/bot-registry';
import type { Config } from '../config';
import type { Db } from '../db/client';
import { AppError, badInput, forbidden, notFound, rateLimited } from '../errors';
import type { ChatJob, Prisma } from '../generated/prisma/client';
import { parseId } from '../ids';
import type { Logger } from '../logger';
import type { PubSub } from '../pubsub';
import type { JobQueue } from '../queue';
import { settleTokens } from '../study/token-budget';
import { parseTurns, type StoredTurn } from './chat-input';
import { type ChatJobDto, isFinished, toJobDto } from './chat-job.dto';
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
    private readonly limiter: RateLimiter,
    private readonly bots: BotRegistry,
    private readonly config: Config,
    private readonly log: Logger,
  ) {}

  /** Queues a stateless model call of a user (participants go through ParticipantChatService). */
  async submitChat(owner: JobOwner, input: SubmitChatInput): Promise<ChatJobDto> {
    const model = input.model?.trim() || this.config.GPT_VERSION;
    const allowed = this.config.ALLOWED_MODELS;
    if (allowed?.length && !allowed.includes(model)) {
      throw badInput(`model must be one of ${allowed.join(', ')}.`, 'model');
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

  /** Queues a bot's reply to a message the user just sent it (limits were checked before storing it). */
  async replyToMessage(userId: string, botUserId: string, messageId: string): Promise<ChatJobDto> {
    const bot = this.bots.get(botUserId);
    const model = bot?.kind === 'openai' ? bot.model : (bot?.name ?? 'unconfigured');
    return this.create(
      { kind: 'user', userId },
      { model, botId: botUserId, triggerMessageId: messageId, input: {} },
      true,
    );
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
    const job = await this.db.chatJob.findUnique({ where: { id: jobId } }).catch(() => null);
    if (job) await this.publish(toJobDto(job)).catch(() => undefined);
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

  /** Per-user limits on model calls: CHAT_RATE_PER_MINUTE, and CHAT_MAX_CONCURRENT unfinished jobs. */
  async assertWithinLimits(owner: JobOwner): Promise<void> {
    const open = await this.db.chatJob.count({ where: { ...ownerWhere(owner), state: { in: ['QUEUED', 'ACTIVE'] } } });
    if (open >= this.config.CHAT_MAX_CONCURRENT) {
      throw new AppError(
        'RATE_LIMITED',
        `Wait for your earlier replies to finish (at most ${this.config.CHAT_MAX_CONCURRENT} at once).`,
        {
          retryAfterSeconds: 5,
        },
      );
    }
    const window = await this.limiter.hit(`chat:${ownerKey(owner)}`, 60);
    if (window.count > this.config.CHAT_RATE_PER_MINUTE) throw rateLimited(window.retryAfterSeconds);
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
    limitsChecked = false,
  ): Promise<ChatJobDto> {
    if (!limitsChecked) await this.assertWithinLimits(owner);
    const job = await this.db.chatJob.create({ data: { ...data, ...ownerWhere(owner), requestId: randomUUID() } });
    await this.enqueue(job);
    return toJobDto(job);
  }

  /** Queues a job whose row is written; should the queue be down, the job fails (QUEUE_UNAVAILABLE) and this throws. */
  async enqueue(job: ChatJob): Promise<void> {
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
  }
}
