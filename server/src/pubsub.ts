import { RedisPubSub } from 'graphql-redis-subscriptions';
import { PubSub as MemoryPubSub, type PubSubEngine } from 'graphql-subscriptions';
import type { Redis } from 'ioredis';
import { queueIterator } from './async-queue';
import type { Logger } from './logger';
import { createRedis } from './redis';

/** Topics carry JSON-safe payloads: with Redis they cross processes as JSON. */
export interface PubSub {
  publish(topic: string, payload: unknown): Promise<void>;
  /** For GraphQL subscriptions: ends when the consumer returns. */
  iterate<T>(topic: string): AsyncIterableIterator<T>;
  /** For server-side listeners; resolves once subscribed, with the unsubscribe function. */
  listen<T>(topic: string, handler: (payload: T) => void): Promise<() => void>;
  /**
   * Like `iterate`, but resolves only once the subscription is live, so that a snapshot read after it
   * cannot miss an event published in between (`iterate` subscribes lazily, on the first pull).
   */
  subscribeNow<T>(topic: string): Promise<AsyncIterableIterator<T>>;
  /**
   * Calls `handler` each time the subscriber connection comes back after losing Redis: whatever was
   * published meanwhile never reached this process's subscribers. Returns the unregister function.
   */
  onResumed(handler: () => void): () => void;
  /**
   * One subscription to every topic that starts with `topicPrefix` (with Redis one PSUBSCRIBE), resolving once
   * live: `handler` gets each event's topic and a function that parses its payload, so that a process hearing
   * many topics parses only those it wants. Returns the unsubscribe function.
   */
  listenPrefix(topicPrefix: string, handler: PrefixHandler): Promise<() => void>;
  close(): Promise<void>;
}

export type PrefixHandler = (topic: string, payload: () => unknown) => void;

/** How the Redis engine subscribes to a prefix of its full topic names; without it they are heard in process. */
type PrefixListen = (fullPrefix: string, handler: PrefixHandler) => Promise<() => void>;

class EnginePubSub implements PubSub {
  constructor(
    private readonly engine: PubSubEngine,
    private readonly prefix: string,
    private readonly onClose: () => Promise<void>,
    private readonly resumed = new EventTarget(),
    private readonly prefixListen?: PrefixListen,
  ) {}

  /** In-process prefix listeners (no Redis), by full prefix. */
  private readonly local = new Map<string, Set<PrefixHandler>>();

  onResumed(handler: () => void) {
    this.resumed.addEventListener('resumed', handler);
    return () => this.resumed.removeEventListener('resumed', handler);
  }

  publish(topic: string, payload: unknown) {
    for (const [prefix, handlers] of this.local) {
      if (!topic.startsWith(prefix)) continue;
      for (const handler of handlers) handler(topic, () => payload);
    }
    return this.engine.publish(this.prefix + topic, payload);
  }

  async listenPrefix(topicPrefix: string, handler: PrefixHandler) {
    const cut = this.prefix.length;
    if (this.prefixListen)
      return this.prefixListen(this.prefix + topicPrefix, (topic, payload) => handler(topic.slice(cut), payload));
    const handlers = this.local.get(topicPrefix) ?? new Set();
    this.local.set(topicPrefix, handlers.add(handler));
    return () => {
      handlers.delete(handler);
      if (!handlers.size) this.local.delete(topicPrefix);
    };
  }

  iterate<T>(topic: string) {
    return this.engine.asyncIterableIterator<T>(this.prefix + topic) as AsyncIterableIterator<T>;
  }

  async listen<T>(topic: string, handler: (payload: T) => void) {
    const id = await this.engine.subscribe(this.prefix + topic, handler, {});
    let subscribed = true;
    // Safe to call twice: graphql-redis-subscriptions throws on an unknown id, which would crash the process.
    return () => {
      if (!subscribed) return;
      subscribed = false;
      try {
        this.engine.unsubscribe(id);
      } catch {
        // already gone
      }
    };
  }

  async subscribeNow<T>(topic: string): Promise<AsyncIterableIterator<T>> {
    let stop = () => {};
    const { push, iterator } = queueIterator<T>(() => stop());
    stop = await this.listen<T>(topic, push);
    return iterator;
  }

  close() {
    return this.onClose();
  }
}

export function createPubSub(redisUrl: string | undefined, prefix: string, log: Logger): PubSub {
  if (!redisUrl) return new EnginePubSub(new MemoryPubSub(), '', async () => {});
  // Publishes made in the same tick (a message to both sides, a burst of chunks) leave in one write.
  const publisher = createRedis(redisUrl, log, 'pubsub-pub', { enableAutoPipelining: true });
  // No ready check: it sends INFO, which a connection that already subscribed may not send.
  const subscriber = createRedis(redisUrl, log, 'pubsub-sub', { enableReadyCheck: false });
  const engine = new RedisPubSub({ publisher, subscriber });
  const resumed = new EventTarget();
  let lost = false;
  subscriber.on('close', () => {
    lost = true;
  });
  // ioredis re-subscribes on 'ready' before any later command: from then on new events arrive again.
  subscriber.on('ready', () => {
    if (!lost) return;
    lost = false;
    resumed.dispatchEvent(new Event('resumed'));
  });
  return new EnginePubSub(
    engine,
    `${prefix}:`,
    async () => {
      await engine.close();
    },
    resumed,
    (fullPrefix, handler) => listenPattern(subscriber, fullPrefix, handler),
  );
}

/** A PSUBSCRIBE to every channel starting with `fullPrefix` (ioredis subscribes it again after a reconnect). */
async function listenPattern(subscriber: Redis, fullPrefix: string, handler: PrefixHandler) {
  const pattern = `${fullPrefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
  const onMessage = (heard: string, channel: string, message: string) => {
    if (heard === pattern) handler(channel, () => JSON.parse(message));
  };
  subscriber.on('pmessage', onMessage);
  try {
    await subscriber.psubscribe(pattern);
  } catch (error) {
    subscriber.off('pmessage', onMessage);
    throw error;
  }
  return () => {
    subscriber.off('pmessage', onMessage);
    subscriber.punsubscribe(pattern).catch(() => {});
  };
}
