import { DateTimeResolver, JSONResolver } from 'graphql-scalars';
import { Arg, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import { ipKey } from '../auth/ip-key';
import { type Context, requireParticipant } from '../context';
import type { Participation } from '../generated/prisma/client';
import { ParticipationType } from './participation.type';
import { SaveParticipationInput, SaveParticipationResult, StartParticipationInput } from './study-io.type';
import { studyView } from './study-view';
import { StudyInfo, StudyTurnType, StudyView } from './study-view.type';

@Resolver(() => ParticipationType)
export class StudyResolver {
  @Query(() => StudyInfo, { description: 'Public: what the landing page of a study shows.' })
  studyInfo(@Arg('slug', () => String) slug: string, @Ctx() ctx: Context): StudyInfo {
    const { title, description, askForParticipantId } = ctx.services.studies.study(slug);
    return { slug, title, description, askForParticipantId };
  }

  @Query(() => Boolean, { description: 'Public: whether this participant already completed the study.' })
  checkParticipation(
    @Arg('studySlug', () => String) studySlug: string,
    @Arg('participantId', () => String) participantId: string,
    @Ctx() ctx: Context,
  ) {
    return ctx.services.studies.check(studySlug, participantId);
  }

  @Mutation(() => ParticipationType, {
    description: 'Public: starts (or resumes) a participation; its token authorises the participant from then on.',
  })
  async startParticipation(
    @Arg('input', () => StartParticipationInput) input: StartParticipationInput,
    @Ctx() ctx: Context,
  ) {
    // Limits first (per IP, then per existing study), before anything is looked up or created.
    await ctx.services.limits.participationIp.consume(ipKey(ctx.ip));
    ctx.services.studies.study(input.studySlug);
    await ctx.services.limits.participationStudy.consume(input.studySlug);
    return ctx.services.studies.start(input);
  }

  @Query(() => ParticipationType, { description: 'Participant: where they are, to resume after a reload.' })
  myParticipation(@Ctx() ctx: Context) {
    return ctx.services.studies.get(requireParticipant(ctx));
  }

  @Mutation(() => ParticipationType, { description: 'Participant: agrees to the consent text.' })
  giveConsent(@Ctx() ctx: Context) {
    return ctx.services.studies.consent(requireParticipant(ctx));
  }

  @Mutation(() => ParticipationType, {
    description:
      'Participant: saves answers of the current task; with complete=true also moves on (required questions, attention checks and required chat are checked).',
  })
  saveTaskAnswers(
    @Arg('taskId', () => String) taskId: string,
    @Arg('answers', () => JSONResolver) answers: unknown,
    @Arg('complete', () => Boolean, { defaultValue: false }) complete: boolean,
    @Ctx() ctx: Context,
  ) {
    return ctx.services.studies.saveTaskAnswers(requireParticipant(ctx), taskId, answers, complete);
  }

  @Mutation(() => SaveParticipationResult, { description: 'Participant: the final save, stored exactly once.' })
  saveParticipation(@Arg('input', () => SaveParticipationInput) input: SaveParticipationInput, @Ctx() ctx: Context) {
    return ctx.services.studies.save(requireParticipant(ctx), input);
  }

  @Mutation(() => ParticipationType, { description: 'Participant: stops taking part (counted as returned).' })
  withdrawParticipation(@Ctx() ctx: Context) {
    return ctx.services.studies.withdraw(requireParticipant(ctx));
  }

  @FieldResolver(() => String, { description: 'Send as "Authorization: Bearer <token>" (and in connectionParams).' })
  token(@Root() p: Participation, @Ctx() ctx: Context) {
    return ctx.services.studies.tokens.issue({
      participationId: p.id,
      studySlug: p.studySlug,
      participantId: p.participantId,
    });
  }

  @FieldResolver(() => StudyView)
  study(@Root() p: Participation, @Ctx() ctx: Context) {
    return studyView(ctx.services.studies, p);
  }

  @FieldResolver(() => DateTimeResolver, {
    nullable: true,
    description: 'When the time limit ends, if the study has one.',
  })
  deadline(@Root() p: Participation, @Ctx() ctx: Context) {
    const minutes = ctx.services.studies.study(p.studySlug).timeLimitMinutes;
    return minutes ? new Date(p.startedAt.getTime() + minutes * 60_000) : null;
  }

  @FieldResolver(() => String, { nullable: true, description: 'Once completed.' })
  completionCode(@Root() p: Participation, @Ctx() ctx: Context) {
    return p.status === 'COMPLETED' ? ctx.services.studies.study(p.studySlug).completionCode : null;
  }

  @FieldResolver(() => String, { nullable: true, description: 'Once completed: where to send the participant.' })
  completionUrl(@Root() p: Participation, @Ctx() ctx: Context) {
    return p.status === 'COMPLETED' ? ctx.services.studies.study(p.studySlug).completionUrl : null;
  }

  @FieldResolver(() => [StudyTurnType], { description: 'The chat of one task so far (to resume it).' })
  turns(@Root() p: Participation, @Arg('taskId', () => String) taskId: string, @Ctx() ctx: Context) {
    return ctx.services.studies.turns(p.id, taskId);
  }
}
