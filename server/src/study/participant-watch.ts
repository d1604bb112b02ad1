import { Field, ID, ObjectType } from 'type-graphql';
import type { Context } from '../context';
import type { ParticipantChange } from './participant-changes';
import { participantsTopic } from './participant-changes';
import { tableRows } from './participant-table';
import { ParticipantRow } from './participant-table.type';
import { researchStudy } from './research-access';

@ObjectType('ParticipantChangeEvent')
export class ParticipantChangeEvent {
  @Field(() => ID)
  participationId!: string;

  @Field(() => Boolean)
  deleted!: boolean;

  @Field(() => ParticipantRow, { nullable: true, description: 'The row as it is now; null once deleted.' })
  row!: ParticipantRow | null;
}

/** The study's participant changes, each with its row read after the change (previews only when asked for). */
export async function* watchParticipants(
  ctx: Context,
  slug: string,
  includePreviews: boolean,
): AsyncGenerator<ParticipantChangeEvent> {
  const study = researchStudy(ctx, slug);
  const { db, pubsub } = ctx.services;
  const changes = await pubsub.subscribeNow<ParticipantChange>(participantsTopic(study.slug));
  try {
    for await (const change of changes) {
      const p = change.deleted ? null : await db.participation.findUnique({ where: { id: change.participationId } });
      if (p?.preview && !includePreviews) continue;
      if (!p && !change.deleted) continue;
      const [row] = p ? await tableRows(db, [p]) : [null];
      yield { participationId: change.participationId, deleted: !p, row: (row ?? null) as ParticipantRow | null };
    }
  } finally {
    await changes.return?.();
  }
}
