import type { Db } from '../db/client';
import type { Logger } from '../logger';
import type { PubSub } from '../pubsub';

/** A participation of this study changed (status, answers, chat): the researchers' tables reload its row. */
export const participantsTopic = (slug: string) => `study-participants:${slug}`;

export interface ParticipantChange {
  participationId: string;
  /** True when it was deleted: the row goes away. */
  deleted: boolean;
}

/** Published after the change is committed; a failed publish is logged, never the caller's error. */
export class ParticipantChanges {
  constructor(
    private readonly db: Db,
    private readonly pubsub: PubSub,
    private readonly log: Logger,
  ) {}

  async changed(participationId: string, studySlug?: string, deleted = false): Promise<void> {
    try {
      const slug =
        studySlug ??
        (await this.db.participation.findUnique({ where: { id: participationId }, select: { studySlug: true } }))
          ?.studySlug;
      if (!slug) return;
      await this.pubsub.publish(participantsTopic(slug), { participationId, deleted } satisfies ParticipantChange);
    } catch (err) {
      this.log.warn({ err, participationId }, 'could not publish a participant change');
    }
  }

  /** Runs a participant's action and announces its participation afterwards, whether it succeeded or not. */
  async after<T>(participationId: string | undefined, action: () => Promise<T>): Promise<T> {
    try {
      return await action();
    } finally {
      if (participationId) await this.changed(participationId);
    }
  }
}
