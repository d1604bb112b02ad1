import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { AppError, waitText } from '../errors';
import type { Redis } from '../redis';

/**
 * One named limit: at most `points` per key in a fixed window of `durationSeconds`. `consume` counts
 * first and answers after (atomically, in Redis or in this process), so concurrent callers can never
 * all slip under the limit: call it before the work it guards.
 */
export interface RateLimit {
  /** Uses one point of `key`; throws RATE_LIMITED (with retryAfterSeconds and reason) once they are gone. */
  consume(key: string): Promise<void>;
  /** Gives a point back, e.g. an attempt that turned out to be legitimate. */
  reward(key: string): Promise<void>;
  /** Forgets the key's window. */
  reset(key: string): Promise<void>;
}

export interface LimitSpec {
  /** Stable name: part of the key, and the `reason` extension of RATE_LIMITED errors. */
  name: string;
  points: number;
  durationSeconds: number;
}

/** Creates limits on the deployment's engine: Redis when there is one, else this process's memory. */
export interface RateLimits {
  limit(spec: LimitSpec): RateLimit;
}

type Flexible = RateLimiterMemory | RateLimiterRedis;

class FlexibleLimit implements RateLimit {
  constructor(
    private readonly limiter: Flexible,
    private readonly reason: string,
  ) {}

  async consume(key: string) {
    try {
      await this.limiter.consume(key);
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) {
        const retryAfterSeconds = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
        throw new AppError('RATE_LIMITED', `Too many attempts. Try again ${waitText(retryAfterSeconds)}.`, {
          retryAfterSeconds,
          reason: this.reason,
        });
      }
      // The store failed: refuse rather than let the request through unlimited.
      throw new AppError('SERVICE_UNAVAILABLE', 'The server is busy. Try again shortly.');
    }
  }

  async reward(key: string) {
    await this.limiter.reward(key).catch(() => undefined);
  }

  async reset(key: string) {
    await this.limiter.delete(key).catch(() => undefined);
  }
}

export function createRateLimits(redis: Redis | null, prefix: string): RateLimits {
  const made = new Map<string, RateLimit>();
  return {
    limit(spec) {
      const id = `${spec.name}:${spec.points}:${spec.durationSeconds}`;
      const existing = made.get(id);
      if (existing) return existing;
      const options = { points: spec.points, duration: spec.durationSeconds };
      const limiter = redis
        ? new RateLimiterRedis({ ...options, storeClient: redis, keyPrefix: `${prefix}:rl:${spec.name}` })
        : new RateLimiterMemory({ ...options, keyPrefix: spec.name });
      const limit = new FlexibleLimit(limiter, spec.name);
      made.set(id, limit);
      return limit;
    },
  };
}
