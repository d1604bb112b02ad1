import { queueIterator } from '../async-queue';
import type { PubSub } from '../pubsub';
import type { PresenceChange } from './presence.service';
import { PRESENCE_TOPIC } from './presence.topics';

interface Watcher {
  push(change: PresenceChange): void;
}

/**
 * One listener per process for presence changes, handed only to the subscriptions that watch the user
 * who changed: an arrival costs work per watcher, not per open subscription, so a wave of arrivals is linear.
 */
export class PresenceFanout {
  private readonly byUser = new Map<string, Set<Watcher>>();
  /** Subscriptions that asked for every user's changes (no userIds). */
  private readonly everyone = new Set<Watcher>();
  private listening?: Promise<() => void>;

  constructor(private readonly pubsub: PubSub) {}

  /** Changes of these users (every user's when null), until the consumer returns. Live once it resolves. */
  async follow(userIds: readonly string[] | null): Promise<AsyncIterableIterator<PresenceChange>> {
    this.listening ??= this.pubsub.listen<PresenceChange>(PRESENCE_TOPIC, (change) => this.deliver(change));
    try {
      await this.listening;
    } catch (error) {
      this.listening = undefined;
      throw error;
    }
    const sets = userIds ? userIds.map((id) => this.setOf(id)) : [this.everyone];
    const unwatch = () => {
      for (const [i, set] of sets.entries()) {
        set.delete(watcher);
        const id = userIds?.[i];
        if (id !== undefined && set.size === 0) this.byUser.delete(id);
      }
    };
    const { push, iterator } = queueIterator<PresenceChange>(unwatch);
    const watcher: Watcher = { push };
    for (const set of sets) set.add(watcher);
    return iterator;
  }

  private setOf(userId: string): Set<Watcher> {
    let set = this.byUser.get(userId);
    if (!set) {
      set = new Set();
      this.byUser.set(userId, set);
    }
    return set;
  }

  private deliver(change: PresenceChange) {
    for (const watcher of this.everyone) watcher.push(change);
    const watchers = this.byUser.get(change.user.id);
    if (watchers) for (const watcher of watchers) watcher.push(change);
  }
}
