// A fresh Postgres database (migrated) and a Redis key prefix for one test run, removed afterwards.
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { createDatabase, dropDatabase, withDatabase } = require('../server/dist-test/db/admin-url.js');
const { applyMigrations } = require('../server/dist-test/db/migrations.js');
const { Redis } = require('ioredis');

export const PG_SERVER = process.env.TEST_PG_SERVER ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export async function createTestEnv(kind) {
  const id = `${kind}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const database = `parley_${id}`;
  await createDatabase(PG_SERVER, database);
  const databaseUrl = withDatabase(PG_SERVER, database);
  await applyMigrations(databaseUrl);
  const redisPrefix = `parley-${id}`;
  return {
    databaseUrl,
    redisUrl: REDIS_URL,
    redisPrefix,
    async destroy() {
      await dropDatabase(PG_SERVER, database).catch((error) =>
        console.error(`could not drop ${database}: ${error.message}`),
      );
      const redis = new Redis(REDIS_URL);
      try {
        let cursor = '0';
        do {
          const [next, keys] = await redis.scan(cursor, 'MATCH', `${redisPrefix}*`, 'COUNT', 1000);
          if (keys.length) await redis.del(...keys);
          cursor = next;
        } while (cursor !== '0');
      } finally {
        redis.disconnect();
      }
    },
  };
}
