import type { Pool } from 'pg';
import type { RateLimit } from '../auth/rate-limiter';
import type { Viewer } from '../context';
import { type Db, isForeignKeyViolation, isUniqueViolation, poolOf } from '../db/client';
import { badInput, notFound } from '../errors';
import { parseId } from '../ids';
import type { JobsService } from '../jobs/jobs.service';
import { metrics } from '../metrics/registry';
import type { PubSub } from '../pubsub';
import { userMessagesTopic } from './chat.topics';
import { type MessageDto, toMessageDto, withUsers } from './message.dto';
import { insertMessage } from './message-sql';
import type { UserCache } from './user-cache';

export interface SendInput {
  toUserId: string;
  body: string;
  clientId?: string | null;
}

const MAX_CLIENT_ID = 64;
export const MAX_PAGE = 200;

export class ChatService {
  private readonly pool: Pool;

  constructor(
    private readonly db: Db,
    private readonly pubsub: PubSub,
    private readonly maxChars: number,
    private readonly jobs: JobsService,
    /** MESSAGES_PER_MINUTE, per sender. */
    private readonly messageRate: RateLimit,
    private readonly users: UserCache,
  ) {
    this.pool = poolOf(db);
  }

  /**
   * Stores the message, then publishes it to both sides. A retry with the same clientId returns the
   * stored message instead of a duplicate.
   */
  async send(viewer: Viewer, input: SendInput, requestId?: string): Promise<{ message: MessageDto; created: boolean }> {
    const toId = parseId(input.toUserId, 'toUserId');
    const body = input.body.trim();
    if (!body) throw badInput('The message is empty.', 'body');
    if (input.body.length > this.maxChars)
      throw badInput(`The message is longer than ${this.maxChars} characters.`, 'body');
    const clientId = input.clientId ?? null;
    if (clientId !== null && (clientId.length === 0 || clientId.length > MAX_CLIENT_ID)) {
      throw badInput(`clientId must be 1 to ${MAX_CLIENT_ID} characters.`, 'clientId');
    }
    if (toId === viewer.id) throw badInput('You cannot message yourself.', 'toUserId');
    // The two accounts make the DTO, so the insert needs no joins after it; known ones need no statement.
    const byId = await this.users.get([viewer.id, toId]);
    const sender = byId.get(viewer.id);
    const recipient = byId.get(toId);
    if (!recipient) throw notFound('No such user.');
    if (!sender) throw notFound('Your account is gone.');
    // A message to a bot is looked for first: its retry must not meet the model-call limits its first try passed.
    const earlier = recipient.isBot && clientId ? await this.findByClientId(viewer.id, clientId) : null;
    if (earlier) return this.resend(earlier);
    // Counted before the insert; a retry (the same clientId, found by the insert's unique key) gets it back,
    // and one refused by the limit still gets its stored message.
    const refusedRetry = await this.messageRate.consume(viewer.id).then(
      () => null,
      async (error: unknown) => {
        const stored = clientId ? await this.findByClientId(viewer.id, clientId) : null;
        if (!stored) throw error;
        await this.messageRate.reward(viewer.id); // a refused attempt is counted too
        return stored;
      },
    );
    if (refusedRetry) return this.resend(refusedRetry);

    const data = { fromId: viewer.id, toId, body: input.body, clientId };
    const dto = (row: { id: string; createdAt: Date }): MessageDto => ({
      id: row.id,
      clientId,
      body: input.body,
      createdAt: row.createdAt,
      readAt: null,
      stopped: false,
      from: sender,
      to: recipient,
    });
    let message: MessageDto;
    try {
      if (recipient.isBot) {
        // A message to a bot costs a model call: it is stored only within the limits, with its reply job.
        ({ message } = await this.jobs.storeMessageForBot(
          { kind: 'user', userId: viewer.id, requestId },
          toId,
          async (tx) => dto(await tx.message.create({ data, select: { id: true, createdAt: true } })),
        ));
      } else {
        // A single INSERT ... RETURNING: no transaction and no reads after it.
        message = dto(await insertMessage(this.pool, data));
      }
    } catch (error) {
      // An account removed since it was read (memory or statement) is a user that no longer exists.
      if (isForeignKeyViolation(error)) throw notFound('No such user.');
      const earlier = clientId && isUniqueViolation(error) ? await this.findByClientId(viewer.id, clientId) : null;
      if (!earlier) throw error;
      await this.messageRate.reward(viewer.id);
      return this.resend(earlier);
    }
    metrics.messagesSent.inc();
    await this.publish(message);
    return { message, created: true };
  }

  /**
   * A retry's answer: the stored message. The first attempt may have been stored but not published (Redis
   * failed in between), so it is published again; receivers merge by id.
   */
  private async resend(message: MessageDto): Promise<{ message: MessageDto; created: boolean }> {
    await this.publish(message);
    return { message, created: false };
  }

  /** Publishes a stored message to its recipient and to the sender's other connections. */
  async publish(message: MessageDto): Promise<void> {
    await Promise.all([
      this.pubsub.publish(userMessagesTopic(message.to.id), message),
      this.pubsub.publish(userMessagesTopic(message.from.id), message),
    ]);
  }

  async conversation(viewer: Viewer, withUserId: string, before?: string | null, limit?: number | null) {
    const otherId = parseId(withUserId, 'withUserId');
    const take = limit ?? 50;
    if (!Number.isInteger(take) || take < 1 || take > MAX_PAGE)
      throw badInput(`limit must be 1 to ${MAX_PAGE}.`, 'limit');
    const between = {
      OR: [
        { fromId: viewer.id, toId: otherId },
        { fromId: otherId, toId: viewer.id },
      ],
    };
    let beforeSeq: bigint | undefined;
    if (before) {
      const anchor = await this.db.message.findFirst({
        where: { id: parseId(before, 'before'), ...between },
        select: { seq: true },
      });
      if (!anchor) throw badInput('before is not a message of this conversation.', 'before');
      beforeSeq = anchor.seq;
    }
    const rows = await this.db.message.findMany({
      where: { ...between, ...(beforeSeq !== undefined ? { seq: { lt: beforeSeq } } : {}) },
      orderBy: { seq: 'desc' },
      take: take + 1,
      include: withUsers,
    });
    return { messages: rows.slice(0, take).reverse().map(toMessageDto), hasMore: rows.length > take };
  }

  async unread(viewer: Viewer): Promise<MessageDto[]> {
    const rows = await this.db.message.findMany({
      where: { toId: viewer.id, readAt: null },
      orderBy: { seq: 'asc' },
      take: 1000,
      include: withUsers,
    });
    return rows.map(toMessageDto);
  }

  private async findByClientId(fromId: string, clientId: string) {
    const row = await this.db.message.findUnique({
      where: { fromId_clientId: { fromId, clientId } },
      include: withUsers,
    });
    return row ? toMessageDto(row) : null;
  }
}
