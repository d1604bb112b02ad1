import { queueIterator } from '../async-queue';
import type { PubSub } from '../pubsub';
import type { ChatJobDto } from './chat-job.dto';
import { JOB_TOPIC_PREFIX } from './jobs.topics';

/**
 * The jobUpdated events of this process's followers. One subscription to every job's topic, made by the
 * first follower, replaces a Redis SUBSCRIBE and UNSUBSCRIBE per followed job (a round trip before the first
 * event could flow): a new follower is live as soon as it is registered here. Events of jobs nobody here
 * follows are dropped unparsed.
 */
export class JobUpdates {
  private readonly followers = new Map<string, Set<(update: ChatJobDto) => void>>();
  private live: Promise<unknown> | undefined;

  constructor(private readonly pubsub: PubSub) {}

  /** Every update of the job from now on; resolves once the subscription is live (so a snapshot read next misses nothing). */
  async follow(jobId: string): Promise<AsyncIterableIterator<ChatJobDto>> {
    await this.subscribed();
    const followers = this.followers.get(jobId) ?? new Set();
    this.followers.set(jobId, followers);
    const { push, iterator } = queueIterator<ChatJobDto>(() => {
      followers.delete(push);
      if (!followers.size && this.followers.get(jobId) === followers) this.followers.delete(jobId);
    });
    followers.add(push);
    return iterator;
  }

  private subscribed() {
    this.live ??= this.pubsub
      .listenPrefix(JOB_TOPIC_PREFIX, (topic, payload) => {
        const followers = this.followers.get(topic.slice(JOB_TOPIC_PREFIX.length));
        if (!followers) return;
        const update = payload() as ChatJobDto;
        for (const push of followers) push(update);
      })
      .catch((error: unknown) => {
        // Tried again by the next follower.
        this.live = undefined;
        throw error;
      });
    return this.live;
  }
}
