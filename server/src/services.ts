import { AuthService } from './auth/auth.service';
import { resolveJwtSecret } from './auth/jwt-secret';
import { MemoryRateLimiter, type RateLimiter, RedisRateLimiter } from './auth/rate-limiter';
import { seedUsers } from './auth/seed';
import { DbTokenStore, RedisTokenStore, type TokenStore } from './auth/token-store';
import { Tokens } from './auth/tokens';
import { ChatService } from './chat/chat.service';
import type { Config } from './config';
import { createDb, type Db } from './db/client';
import { type EmbeddedDatabase, startEmbeddedPostgres } from './db/embedded';
import { applyMigrations } from './db/migrations';
import type { Logger } from './logger';
import { ConnectionRegistry } from './presence/connections';
import { MemoryPresenceStore } from './presence/memory-presence-store';
import { PresenceService } from './presence/presence.service';
import type { PresenceStore } from './presence/presence-store';
import { RedisPresenceStore } from './presence/redis-presence-store';
import { createPubSub, type PubSub } from './pubsub';
import { createRedis, type Redis } from './redis';

/** Everything the resolvers and the transport need, built once per process. */
export interface Services {
  config: Config;
  log: Logger;
  db: Db;
  redis: Redis | null;
  pubsub: PubSub;
  tokens: Tokens;
  auth: AuthService;
  chat: ChatService;
  presence: PresenceService;
  connections: ConnectionRegistry;
  close(): Promise<void>;
}

async function openDatabase(config: Config, log: Logger): Promise<{ url: string; embedded: EmbeddedDatabase | null }> {
  if (config.DATABASE_URL) return { url: config.DATABASE_URL, embedded: null };
  const embedded = await startEmbeddedPostgres(config.DATA_DIR, config.EMBEDDED_PG_PORT, log);
  return { url: embedded.url, embedded };
}

export async function createServices(config: Config, log: Logger): Promise<Services> {
  const { url, embedded } = await openDatabase(config, log);
  const applied = await applyMigrations(url);
  if (applied.length) log.info({ migrations: applied }, 'applied database migrations');
  const db = createDb(url);
  if (config.SEED_DEMO_USERS ?? embedded !== null) await seedUsers(db, config.SEED_USERS_FILE, log);

  const redis = config.REDIS_URL ? createRedis(config.REDIS_URL, log, 'commands') : null;
  if (!redis)
    log.info(
      'No REDIS_URL: pub/sub and presence are in-process (single-node mode). Set REDIS_URL to run several processes.',
    );
  const prefix = config.REDIS_PREFIX;
  const pubsub = createPubSub(config.REDIS_URL, prefix, log);
  const tokenStore: TokenStore = redis ? new RedisTokenStore(redis, prefix) : new DbTokenStore(db);
  const limiter: RateLimiter = redis ? new RedisRateLimiter(redis, prefix) : new MemoryRateLimiter();
  const presenceStore: PresenceStore = redis ? new RedisPresenceStore(redis, prefix) : new MemoryPresenceStore();

  const tokens = new Tokens(
    await resolveJwtSecret(config.JWT_SECRET, config.DATA_DIR),
    config.JWT_TTL_SECONDS,
    tokenStore,
  );
  const connections = new ConnectionRegistry();
  const presence = new PresenceService(
    presenceStore,
    connections,
    db,
    pubsub,
    log,
    config.PRESENCE_TIMEOUT_SECONDS * 1000,
  );
  presence.start();

  return {
    config,
    log,
    db,
    redis,
    pubsub,
    tokens,
    auth: new AuthService(db, tokens, limiter, pubsub, config),
    chat: new ChatService(db, pubsub, config.MAX_MESSAGE_CHARS),
    presence,
    connections,
    async close() {
      presence.stop();
      await pubsub.close().catch(() => {});
      redis?.disconnect();
      await db.$disconnect();
      await embedded?.stop();
    },
  };
}
