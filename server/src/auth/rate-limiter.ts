import type { Redis } from '../redis';

export interface Window {
  count: number;
  retryAfterSeconds: number;
}

/** Fixed-window counters, e.g. failed logins per username and per IP. */
export interface RateLimiter {
  hit(key: string, windowSeconds: number): Promise<Window>;
  peek(key: string): Promise<Window>;
  reset(key: string): Promise<void>;
}

export class RedisRateLimiter implements RateLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private key = (key: string) => `${this.prefix}:rate:${key}`;

  async hit(key: string, windowSeconds: number) {
    const results = await this.redis
      .multi()
      .incr(this.key(key))
      .expire(this.key(key), windowSeconds, 'NX')
      .ttl(this.key(key))
      .exec();
    return {
      count: Number(results?.[0]?.[1] ?? 0),
      retryAfterSeconds: Math.max(1, Number(results?.[2]?.[1] ?? windowSeconds)),
    };
  }

  async peek(key: string) {
    const [count, ttl] = await Promise.all([this.redis.get(this.key(key)), this.redis.ttl(this.key(key))]);
    return { count: Number(count ?? 0), retryAfterSeconds: Math.max(1, ttl) };
  }

  async reset(key: string) {
    await this.redis.del(this.key(key));
  }
}

export class MemoryRateLimiter implements RateLimiter {
  private readonly windows = new Map<string, { count: number; endsAt: number }>();

  private current(key: string) {
    const window = this.windows.get(key);
    if (window && window.endsAt > Date.now()) return window;
    this.windows.delete(key);
    return undefined;
  }

  private view(window: { count: number; endsAt: number } | undefined): Window {
    return {
      count: window?.count ?? 0,
      retryAfterSeconds: Math.max(1, Math.ceil(((window?.endsAt ?? 0) - Date.now()) / 1000)),
    };
  }

  async hit(key: string, windowSeconds: number) {
    const window = this.current(key) ?? { count: 0, endsAt: Date.now() + windowSeconds * 1000 };
    window.count += 1;
    this.windows.set(key, window);
    return this.view(window);
  }

  async peek(key: string) {
    return this.view(this.current(key));
  }

  async reset(key: string) {
    this.windows.delete(key);
  }
}
