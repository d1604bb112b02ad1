import { Arg, Ctx, ID, Mutation, Query, Resolver, Root, Subscription } from 'type-graphql';
import { type Context, requireJobOwner, requireParticipant } from '../context';
import { type ChatJobDto, isFinished } from './chat-job.dto';
import { ChatJobType } from './chat-job.type';
import { SubmitChatInput } from './submit-chat.input';

/** The job's current state first, then every change, ending with the final state. */
async function* followJob(ctx: Context, jobId: string): AsyncGenerator<ChatJobDto> {
  const owner = requireJobOwner(ctx);
  // Following before the snapshot is read: an update published in between is not lost.
  const updates = await ctx.services.jobs.follow(jobId);
  try {
    const current = await ctx.services.jobs.status(owner, jobId);
    yield current;
    if (isFinished(current.state)) return;
    for await (const update of updates) {
      yield update;
      if (isFinished(update.state)) return;
    }
  } finally {
    await updates.return?.();
  }
}

@Resolver(() => ChatJobType)
export class JobsResolver {
  @Query(() => ChatJobType, { description: 'A job of mine: QUEUED, ACTIVE with the text so far, or its outcome.' })
  jobStatus(@Arg('id', () => ID) id: string, @Ctx() ctx: Context) {
    return ctx.services.jobs.status(requireJobOwner(ctx), id);
  }

  @Mutation(() => ChatJobType, { description: 'Queues a model call and returns at once; follow it with jobUpdated.' })
  async submitChat(@Arg('input', () => SubmitChatInput) input: SubmitChatInput, @Ctx() ctx: Context) {
    const owner = requireJobOwner(ctx);
    if (owner.kind === 'user') return ctx.services.jobs.submitChat(owner, input);
    const participant = requireParticipant(ctx);
    // Marks an overdue participation TIMED_OUT (committed) before refusing; the locked check repeats it.
    await ctx.services.studies.active(participant);
    return ctx.services.participantChanges.after(participant.participationId, () =>
      ctx.services.participantChat.submit(participant, input, ctx.requestId),
    );
  }

  @Mutation(() => ChatJobType, { description: 'Stops a queued or running job; what was said so far is kept.' })
  cancelChat(@Arg('id', () => ID) id: string, @Ctx() ctx: Context) {
    return ctx.services.jobs.cancel(requireJobOwner(ctx), id);
  }

  @Mutation(() => ChatJobType, { description: 'Runs a failed or canceled job again, as a new job.' })
  retryChat(@Arg('id', () => ID) id: string, @Ctx() ctx: Context) {
    return ctx.services.jobs.retry(requireJobOwner(ctx), id);
  }

  @Subscription(() => ChatJobType, {
    description: 'The job now, then each change (text streams in while ACTIVE) until it finishes.',
    subscribe: ({ args, context }) => followJob(context as Context, String(args.id)),
  })
  jobUpdated(@Arg('id', () => ID) _id: string, @Root() job: ChatJobDto) {
    return job;
  }
}
