import { RedisPubSub } from 'graphql-redis-subscriptions';
import { PubSub as MemoryPubSub, type PubSubEngine } from 'graphql-subscriptions';
import type { Logger } from './logger';
import { createRedis } from './redis';

/** Topics carry JSON-safe payloads: with Redis they cross processes as JSON. */
export interface PubSub {
  publish(topic: string, payload: unknown): Promise<void>;
  /** For GraphQL subscriptions: ends when the consumer returns. */
  iterate<T>(topic: string): AsyncIterableIterator<T>;
  /** For server-side listeners; returns the unsubscribe function. */
  listen<T>(topic: string, handler: (payload: T) => void): Promise<() => void>;
  close(): Promise<void>;
}

class EnginePubSub implements PubSub {
  constructor(
    private readonly engine: PubSubEngine,
    private readonly prefix: string,
    private readonly onClose: () => Promise<void>,
  ) {}

  publish(topic: string, payload: unknown) {
    return this.engine.publish(this.prefix + topic, payload);
  }

  iterate<T>(topic: string) {
    return this.engine.asyncIterableIterator<T>(this.prefix + topic) as AsyncIterableIterator<T>;
  }

  async listen<T>(topic: string, handler: (payload: T) => void) {
    const id = await this.engine.subscribe(this.prefix + topic, handler, {});
    return () => this.engine.unsubscribe(id);
  }

  close() {
    return this.onClose();
  }
}

export function createPubSub(redisUrl: string | undefined, prefix: string, log: Logger): PubSub {
  if (!redisUrl) return new EnginePubSub(new MemoryPubSub(), '', async () => {});
  const publisher = createRedis(redisUrl, log, 'pubsub-pub');
  // No ready check: it sends INFO, which a connection that already subscribed may not send.
  const subscriber = createRedis(redisUrl, log, 'pubsub-sub', { enableReadyCheck: false });
  const engine = new RedisPubSub({ publisher, subscriber });
  return new EnginePubSub(engine, `${prefix}:`, async () => {
    await engine.close();
  });
}
