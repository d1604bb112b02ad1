import { Arg, Ctx, ID, Mutation, Query, Resolver, Root, Subscription } from 'type-graphql';
import { type Context, requireViewer } from '../context';
import { type ChatJobDto, isFinished } from './chat-job.dto';
import { ChatJobType } from './chat-job.type';
import { jobTopic } from './jobs.topics';
import { SubmitChatInput } from './submit-chat.input';

/** The job's current state first, then every change, ending with the final state. */
async function* followJob(ctx: Context, jobId: string): AsyncGenerator<ChatJobDto> {
  const userId = requireViewer(ctx).id;
  const updates = ctx.services.pubsub.iterate<ChatJobDto>(jobTopic(jobId));
  try {
    const current = await ctx.services.jobs.status(userId, jobId);
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
    return ctx.services.jobs.status(requireViewer(ctx).id, id);
  }

  @Mutation(() => ChatJobType, { description: 'Queues a model call and returns at once; follow it with jobUpdated.' })
  submitChat(@Arg('input', () => SubmitChatInput) input: SubmitChatInput, @Ctx() ctx: Context) {
    return ctx.services.jobs.submitChat(requireViewer(ctx).id, input);
  }

  @Mutation(() => ChatJobType, { description: 'Stops a queued or running job; what was said so far is kept.' })
  cancelChat(@Arg('id', () => ID) id: string, @Ctx() ctx: Context) {
    return ctx.services.jobs.cancel(requireViewer(ctx).id, id);
  }

  @Mutation(() => ChatJobType, { description: 'Runs a failed or canceled job again, as a new job.' })
  retryChat(@Arg('id', () => ID) id: string, @Ctx() ctx: Context) {
    return ctx.services.jobs.retry(requireViewer(ctx).id, id);
  }

  @Subscription(() => ChatJobType, {
    description: 'The job now, then each change (text streams in while ACTIVE) until it finishes.',
    subscribe: ({ args, context }) => followJob(context as Context, String(args.id)),
  })
  jobUpdated(@Arg('id', () => ID) _id: string, @Root() job: ChatJobDto) {
    return job;
  }
}
