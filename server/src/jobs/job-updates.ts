import { queueIterator } from '../async-queue';
import type { Logger } from '../logger';
import type { PubSub } from '../pubsub';
import type { ChatJobDto } from './chat-job.dto';
import { JOB_TOPIC_PREFIX } from './jobs.topics';

/**
 * The jobUpdated events of this process's followers. One subscription to every job's topic, made by the
 * first follower, replaces a Redis SUBSCRIBE and UNSUBSCRIBE per followed job (a round trip before the first
 * event could flow): a new follower is live as soon as it is registered here. Events of jobs nobody here
 * follows are dropped unparsed. When the subscriber connection comes back after losing Redis, each followed
 * job is read again and its state handed to its followers: whatever was published meanwhile never came.
 */
export class JobUpdates {
  private readonly followers = new Map<string, Set<(update: ChatJobDto) => void>>();
  private live: Promise<unknown> | undefined;

  constructor(
    private readonly pubsub: PubSub,
    /** The job's current state (null when it is gone). */
    private readonly read: (jobId: string) => Promise<ChatJobDto | null>,
    log: Logger,
  ) {
    pubsub.onResumed(() => {
      for (const [jobId, followers] of this.followers) {
        this.read(jobId).then(
          (job) => {
            if (job) for (const push of followers) push(job);
          },
          (err: unknown) => log.warn({ err, jobId }, 'could not read a followed job again'),
        );
      }
    });
  }

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
