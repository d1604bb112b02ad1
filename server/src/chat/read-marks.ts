import type { Viewer } from '../context';
import type { Db } from '../db/client';
import { badInput } from '../errors';
import { parseId } from '../ids';
import type { PubSub } from '../pubsub';
import { type ReadReceipt, userReadsTopic } from './read-receipt.type';

const MAX_IDS = 1000;

interface MarkedRow {
  id: string;
  fromId: string;
}

/**
 * Read marks: written first (one UPDATE ... RETURNING, so only messages that really changed are
 * reported), then published to each sender and to the reader's other tabs.
 */
export class ReadMarks {
  constructor(
    private readonly db: Db,
    private readonly pubsub: PubSub,
  ) {}

  /** Everything `withUserId` sent the viewer that is unread: one call when a conversation is opened. */
  async conversation(viewer: Viewer, withUserId: string): Promise<number> {
    const senderId = parseId(withUserId, 'withUserId');
    const readAt = new Date();
    const rows = await this.db.$queryRaw<MarkedRow[]>`
      UPDATE "Message" SET "readAt" = ${readAt}
      WHERE "toId" = ${viewer.id}::uuid AND "fromId" = ${senderId}::uuid AND "readAt" IS NULL
      RETURNING "id"::text AS "id", "fromId"::text AS "fromId"`;
    await this.publish(viewer.id, rows, readAt);
    return rows.length;
  }

  /** The given messages sent to the viewer (others' messages and made-up ids are left alone). */
  async messages(viewer: Viewer, messageIds: string[]): Promise<number> {
    if (messageIds.length > MAX_IDS) throw badInput(`At most ${MAX_IDS} ids at once.`, 'messageIds');
    const ids = messageIds.map((id) => parseId(id, 'messageIds'));
    if (!ids.length) return 0;
    const readAt = new Date();
    const rows = await this.db.$queryRaw<MarkedRow[]>`
      UPDATE "Message" SET "readAt" = ${readAt}
      WHERE "id" = ANY(${ids}::uuid[]) AND "toId" = ${viewer.id}::uuid AND "readAt" IS NULL
      RETURNING "id"::text AS "id", "fromId"::text AS "fromId"`;
    await this.publish(viewer.id, rows, readAt);
    return rows.length;
  }

  private async publish(readerId: string, rows: MarkedRow[], readAt: Date): Promise<void> {
    const bySender = new Map<string, string[]>();
    for (const row of rows) bySender.set(row.fromId, [...(bySender.get(row.fromId) ?? []), row.id]);
    const sends: Promise<unknown>[] = [];
    for (const [senderId, messageIds] of bySender) {
      const receipt: ReadReceipt = { readerId, senderId, messageIds, readAt };
      sends.push(this.pubsub.publish(userReadsTopic(senderId), receipt));
      sends.push(this.pubsub.publish(userReadsTopic(readerId), receipt));
    }
    await Promise.all(sends);
  }
}
