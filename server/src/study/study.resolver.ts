import { DateTimeResolver, JSONResolver } from 'graphql-scalars';
import { Arg, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import { ipKey } from '../auth/ip-key';
import { type Context, requireParticipant } from '../context';
import type { Participation } from '../generated/prisma/client';
import { ParticipationType } from './participation.type';
import { deadlineOf } from './participation-rules';
import { SaveParticipationInput, SaveParticipationResult, StartParticipationInput } from './study-io.type';
import { studyView } from './study-view';
import { StudyInfo, StudyTurnType, StudyView } from './study-view.type';

/** A participant's action, then the researchers' tables are told (also when it was refused: checks may have failed). */
const announce = <T>(ctx: Context, action: () => Promise<T>) =>
  ctx.services.participantChanges.after(ctx.participant?.participationId, action);

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
    description:
      'Public: opens (or resumes) a participation; its token authorises the participant from then on. Resuming needs the resume secret of the browser that opened it (FORBIDDEN, reason STARTED_ELSEWHERE, otherwise), unless the study allows other devices.',
  })
  async startParticipation(
    @Arg('input', () => StartParticipationInput) input: StartParticipationInput,
    @Ctx() ctx: Context,
  ) {
    // Limits first (per IP, then per existing study), before anything is looked up or created.
    await ctx.services.limits.participationIp.consume(ipKey(ctx.ip));
    ctx.services.studies.study(input.studySlug);
    await ctx.services.limits.participationStudy.consume(input.studySlug);
    const p = await ctx.services.studies.start(input);
    await ctx.services.participantChanges.changed(p.id, p.studySlug);
    return p;
  }

  @Query(() => ParticipationType, {
    description: 'Participant: where they are, to resume after a reload (also after the end: read-only).',
  })
  myParticipation(@Ctx() ctx: Context) {
    return ctx.services.studies.current(requireParticipant(ctx));
  }

  @Mutation(() => ParticipationType, {
    description:
      'Participant: agrees to the consent text. Assigns the condition and starts the clock; FORBIDDEN with reason STUDY_FULL when no place is left.',
  })
  giveConsent(@Ctx() ctx: Context) {
    return announce(ctx, () => ctx.services.studies.consent(requireParticipant(ctx)));
  }

  @Mutation(() => ParticipationType, {
    description: 'Participant: does not agree to the consent text (recorded as DECLINED; ends the participation).',
  })
  declineConsent(@Ctx() ctx: Context) {
    return announce(ctx, () => ctx.services.studies.decline(requireParticipant(ctx)));
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
    return announce(ctx, () =>
      ctx.services.studies.saveTaskAnswers(requireParticipant(ctx), taskId, answers, complete),
    );
  }

  @Mutation(() => SaveParticipationResult, {
    description:
      'Participant: the final save, stored exactly once, with the answers the server holds; only after consent, every task and within the time (FORBIDDEN with reason NOT_CONSENTED, TASKS_INCOMPLETE, TIMED_OUT, WITHDRAWN… otherwise). Returns the score.',
  })
  saveParticipation(@Arg('input', () => SaveParticipationInput) input: SaveParticipationInput, @Ctx() ctx: Context) {
    return announce(ctx, () => ctx.services.studies.save(requireParticipant(ctx), input));
  }

  @Mutation(() => ParticipationType, { description: 'Participant: stops taking part (counted as returned).' })
  withdrawParticipation(@Ctx() ctx: Context) {
    return announce(ctx, () => ctx.services.studies.withdraw(requireParticipant(ctx)));
  }

  @FieldResolver(() => String, { description: 'Send as "Authorization: Bearer <token>" (and in connectionParams).' })
  token(@Root() p: Participation, @Ctx() ctx: Context) {
    return ctx.services.studies.issueToken(p);
  }

  @FieldResolver(() => StudyView)
  study(@Root() p: Participation, @Ctx() ctx: Context) {
    return studyView(ctx.services.studies, p);
  }

  @FieldResolver(() => DateTimeResolver, {
    nullable: true,
    description: 'When the time limit ends (from consent), if the study has one; a short grace follows.',
  })
  deadline(@Root() p: Participation, @Ctx() ctx: Context) {
    return deadlineOf(ctx.services.studies.study(p.studySlug), p);
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: 'The code to give Prolific: once COMPLETED, or the screen-out code once SCREENED_OUT.',
  })
  completionCode(@Root() p: Participation, @Ctx() ctx: Context) {
    const study = ctx.services.studies.study(p.studySlug);
    if (p.status === 'SCREENED_OUT') return study.screenOutCode ?? null;
    return p.status === 'COMPLETED' ? study.completionCode : null;
  }

  @FieldResolver(() => String, { nullable: true, description: 'Where to send the participant, with completionCode.' })
  completionUrl(@Root() p: Participation, @Ctx() ctx: Context) {
    const study = ctx.services.studies.study(p.studySlug);
    if (p.status === 'SCREENED_OUT') return study.screenOutUrl ?? null;
    return p.status === 'COMPLETED' ? study.completionUrl : null;
  }

  @FieldResolver(() => [StudyTurnType], { description: 'The chat of one task so far (to resume it).' })
  turns(@Root() p: Participation, @Arg('taskId', () => String) taskId: string, @Ctx() ctx: Context) {
    return ctx.services.participantChat.turns(p.id, taskId);
  }
}
