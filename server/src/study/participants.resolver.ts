import { Arg, Ctx, ID, Int, Mutation, Query, Resolver, Root, Subscription } from 'type-graphql';
import type { Context } from '../context';
import { participantPage, type SortKey } from './participant-table';
import {
  ParticipantFilter,
  ParticipantPage,
  ParticipantRow,
  ParticipantSort,
  SortDirection,
} from './participant-table.type';
import { ParticipantChangeEvent, watchParticipants } from './participant-watch';
import { ParticipationType } from './participation.type';
import { deleteParticipation, startPreview } from './preview';
import { researchStudy } from './research-access';
import { transcript } from './transcript';
import { Transcript } from './transcript.type';

@Resolver()
export class ParticipantsResolver {
  @Query(() => ParticipantPage, {
    description: 'RESEARCHER: one page of a study’s participants, filtered and sorted on the server.',
  })
  studyParticipants(
    @Arg('slug', () => String) slug: string,
    @Arg('filter', () => ParticipantFilter, { nullable: true }) filter: ParticipantFilter | null,
    @Arg('sort', () => ParticipantSort, { defaultValue: ParticipantSort.STARTED_AT }) sort: ParticipantSort,
    @Arg('direction', () => SortDirection, { defaultValue: SortDirection.DESC }) direction: SortDirection,
    @Arg('offset', () => Int, { defaultValue: 0 }) offset: number,
    @Arg('limit', () => Int, { defaultValue: 50, description: '1 to 200.' }) limit: number,
    @Ctx() ctx: Context,
  ): Promise<ParticipantPage> {
    const study = researchStudy(ctx, slug);
    return participantPage(ctx.services.db, study, {
      ...(filter ?? {}),
      sort: sort as SortKey,
      direction,
      offset,
      limit,
    }) as Promise<ParticipantPage>;
  }

  @Query(() => Transcript, {
    description: 'RESEARCHER: one participant’s answers, failed attention checks and chat as the model got it.',
  })
  participantTranscript(
    @Arg('slug', () => String) slug: string,
    @Arg('participationId', () => ID) participationId: string,
    @Ctx() ctx: Context,
  ) {
    return transcript(ctx.services.db, researchStudy(ctx, slug), participationId);
  }

  @Subscription(() => ParticipantChangeEvent, {
    description:
      'RESEARCHER: a participation of this study changed (arrived, consented, moved on, chatted, ended) or was deleted, with its new row.',
    subscribe: ({ args, context }) =>
      watchParticipants(context as Context, String(args.slug), Boolean(args.includePreviews)),
  })
  studyParticipantChanged(
    @Arg('slug', () => String) _slug: string,
    @Arg('includePreviews', () => Boolean, { defaultValue: false }) _includePreviews: boolean,
    @Root() event: ParticipantChangeEvent,
  ) {
    return event;
  }

  @Mutation(() => ParticipationType, {
    description:
      'RESEARCHER: starts a preview participation in the chosen condition (already consented). Use its token as a participant; previews are left out of stats, places and exports.',
  })
  async startPreview(
    @Arg('slug', () => String) slug: string,
    @Arg('condition', () => String) condition: string,
    @Ctx() ctx: Context,
  ) {
    const p = await startPreview(ctx.services.db, researchStudy(ctx, slug), condition);
    await ctx.services.participantChanges.changed(p.id, p.studySlug);
    return p;
  }

  @Mutation(() => ParticipantRow, {
    description:
      'RESEARCHER: deletes a participation with its answers and chat turns (logged). A real participant needs confirmParticipantId = their participant id (BAD_USER_INPUT, reason CONFIRMATION_REQUIRED, otherwise).',
  })
  async deleteParticipation(
    @Arg('slug', () => String) slug: string,
    @Arg('participationId', () => ID) participationId: string,
    @Arg('confirmParticipantId', () => String, { nullable: true }) confirmParticipantId: string | null,
    @Ctx() ctx: Context,
  ) {
    const study = researchStudy(ctx, slug);
    const { db, log, participantChanges } = ctx.services;
    const viewer = ctx.viewer as NonNullable<Context['viewer']>;
    const p = await deleteParticipation(db, log, study, viewer, { participationId, confirmParticipantId });
    await participantChanges.changed(p.id, p.studySlug, true);
    return {
      ...p,
      taskCount: 0,
      taskTimes: [],
      score: null,
      scoreTotal: null,
      attentionFailures: 0,
      turns: 0,
      tokens: 0,
      costUsd: 0,
    };
  }
}
