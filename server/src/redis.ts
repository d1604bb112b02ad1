import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from './logger';

export type { Redis };

export function createRedis(url: string, log: Logger, name: string, options: RedisOptions = {}): Redis {
  const redis = new Redis(url, { connectionName: name, maxRetriesPerRequest: 3, ...options });
  let reported = false;
  redis.on('error', (error) => {
    if (!reported) log.warn({ err: error, redis: name }, 'Redis connection error');
    reported = true;
  });
  redis.on('ready', () => {
    if (reported) log.info({ redis: name }, 'Redis connection restored');
    reported = false;
  });
  return redis;
}
