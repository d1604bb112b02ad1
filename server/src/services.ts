import { existsSync } from 'node:fs';
import { AuthService } from './auth/auth.service';
import { resolveJwtSecret } from './auth/jwt-secret';
import { createLimits, type Limits } from './auth/limits';
import { createRateLimits, type RateLimits } from './auth/rate-limiter';
import { seedUsers } from './auth/seed';
import { SessionCache } from './auth/session-cache';
import { SessionChangeListener } from './auth/session-changes';
import { DbTokenStore } from './auth/token-store';
import { Tokens } from './auth/tokens';
import { loadBotConfigs } from './bots/bot-config';
import { BotRegistry } from './bots/bot-registry';
import { ChatService } from './chat/chat.service';
import { UserCache } from './chat/user-cache';
import type { Config } from './config';
import { createDb, type Db, poolOf } from './db/client';
import { type EmbeddedDatabase, startEmbeddedPostgres } from './db/embedded';
import { applyMigrations } from './db/migrations';
import { InProcessQueue } from './in-process-queue';
import { JobProcessor } from './jobs/job-processor';
import { JobsService } from './jobs/jobs.service';
import { JOB_CANCEL_TOPIC } from './jobs/jobs.topics';
import type { Logger } from './logger';
import { registerDbPool } from './metrics/registry';
import { ConnectionRegistry } from './presence/connections';
import { MemoryPresenceStore } from './presence/memory-presence-store';
import { PresenceService } from './presence/presence.service';
import type { PresenceStore } from './presence/presence-store';
import { RedisPresenceStore } from './presence/redis-presence-store';
import { createPubSub, type PubSub } from './pubsub';
import { BullMqQueue, type JobQueue } from './queue';
import { createRedis, type Redis } from './redis';
import { ParticipantChanges } from './study/participant-changes';
import { ParticipantChatService } from './study/participant-chat';
import { ParticipantTokens } from './study/participant-tokens';
import { StudyService } from './study/study.service';
import { StudyCatalog } from './study/study-catalog';

/** Everything the resolvers and the transport need, built once per process. */
export interface Services {
  config: Config;
  log: Logger;
  db: Db;
  redis: Redis | null;
  pubsub: PubSub;
  tokens: Tokens;
  /** The API's named rate limits (auth/limits.ts). */
  limits: Limits;
  /** Makes further limits on the same engine: `rateLimits.limit({ name, points, durationSeconds }).consume(key)`. */
  rateLimits: RateLimits;
  auth: AuthService;
  chat: ChatService;
  presence: PresenceService;
  connections: ConnectionRegistry;
  bots: BotRegistry;
  jobs: JobsService;
  queue: JobQueue;
  studies: StudyService;
  participantChat: ParticipantChatService;
  /** Tells the researchers' live tables that a participation changed. */
  participantChanges: ParticipantChanges;
  close(jobGraceMs?: number): Promise<void>;
}

export interface Roles {
  /** Serves GraphQL: presence timers and bot health checks. */
  api: boolean;
  /** Runs model calls from the queue. */
  worker: boolean;
}

async function openDatabase(config: Config, log: Logger): Promise<{ url: string; embedded: EmbeddedDatabase | null }> {
  if (config.DATABASE_URL) return { url: config.DATABASE_URL, embedded: null };
  const embedded = await startEmbeddedPostgres(config.DATA_DIR, config.EMBEDDED_PG_PORT, log);
  return { url: embedded.url, embedded };
}

export async function createServices(config: Config, log: Logger, roles: Roles): Promise<Services> {
  const botConfigs = loadBotConfigs(config);
  const catalog = existsSync(config.STUDIES_DIR)
    ? StudyCatalog.load(config.STUDIES_DIR, { code: config.PROLIFIC_CODE, url: config.PROLIFIC_URL })
    : StudyCatalog.empty();
  const { url, embedded } = await openDatabase(config, log);
  const applied = await applyMigrations(url);
  if (applied.length) log.info({ migrations: applied }, 'applied database migrations');
  const db = createDb(url, config.DATABASE_POOL_SIZE);
  registerDbPool(poolOf(db));
  if (config.SEED_DEMO_USERS ?? embedded !== null) await seedUsers(db, config.SEED_USERS_FILE, log);

  const redis = config.REDIS_URL
    ? createRedis(config.REDIS_URL, log, 'commands', { enableAutoPipelining: true })
    : null;
  if (!redis)
    log.info(
      'No REDIS_URL: pub/sub and presence are in-process (single-node mode). Set REDIS_URL to run several processes.',
    );
  const prefix = config.REDIS_PREFIX;
  const pubsub = createPubSub(config.REDIS_URL, prefix, log);
  const tokenStore = new DbTokenStore(db);
  const rateLimits = createRateLimits(redis, prefix);
  const limits = createLimits(rateLimits, config);
  const presenceStore: PresenceStore = redis ? new RedisPresenceStore(redis, prefix) : new MemoryPresenceStore();

  const jwtSecret = await resolveJwtSecret(config.JWT_SECRET, config.DATA_DIR);
  const sessionCache = new SessionCache(config.SESSION_CACHE_SECONDS * 1000);
  const userCache = new UserCache(poolOf(db), config.SESSION_CACHE_SECONDS * 1000);
  const sessionChanges = new SessionChangeListener(url, [sessionCache, userCache], log);
  const tokens = new Tokens(jwtSecret, config.JWT_TTL_SECONDS, tokenStore, sessionCache);
  const connections = new ConnectionRegistry();
  const presence = new PresenceService(
    presenceStore,
    connections,
    db,
    pubsub,
    log,
    config.PRESENCE_TIMEOUT_SECONDS * 1000,
  );
  const bots = new BotRegistry(db, log);
  await bots.load(botConfigs);

  const retry = { attempts: config.JOB_ATTEMPTS, backoffMs: config.JOB_BACKOFF_MS };
  const queue: JobQueue = config.REDIS_URL
    ? new BullMqQueue(
        config.REDIS_URL,
        prefix,
        retry,
        config.JOB_RESULT_TTL_SECONDS,
        config.WORKER_LOCK_SECONDS * 1000,
        log,
      )
    : new InProcessQueue(retry, log);
  const jobs = new JobsService(db, queue, pubsub, limits.chat, bots, config, log);
  const chat = new ChatService(db, pubsub, config.MAX_MESSAGE_CHARS, jobs, limits.messages, userCache);
  const participantChanges = new ParticipantChanges(db, pubsub, log);
  const timers: NodeJS.Timeout[] = [];
  let stopCancelListener = () => {};

  if (roles.api) {
    // Expired sessions are already refused; they are deleted now and then (every API process may do it).
    const prune = () =>
      void tokenStore
        .pruneExpired()
        .then((count) => count && log.info({ count }, 'pruned expired sessions'))
        .catch((err: unknown) => log.warn({ err }, 'session prune failed'));
    prune();
    timers.push(setInterval(prune, config.SESSION_PRUNE_SECONDS * 1000).unref());
    if (config.SESSION_CACHE_SECONDS > 0) await sessionChanges.start();
    presence.start();
    bots.startHealthChecks(config.BOT_HEALTH_INTERVAL_SECONDS * 1000, (userId, online) => {
      presence
        .announce(userId, online)
        .catch((err: unknown) => log.warn({ err, userId }, 'bot presence announce failed'));
    });
  }
  if (roles.worker) {
    const processor = new JobProcessor(db, jobs, chat, bots, config, log, participantChanges);
    if (!redis) {
      // Single node: jobs that were waiting or running when it stopped are this process's to resume.
      const unfinished = await db.chatJob.findMany({
        where: { state: { in: ['QUEUED', 'ACTIVE'] } },
        select: { id: true },
      });
      for (const { id } of unfinished) await queue.enqueue(id);
      log.info('No REDIS_URL: model calls run in this process (single-node mode).');
    }
    queue.startWorker(processor.process, config.WORKER_CONCURRENCY);
    stopCancelListener = await pubsub.listen<{ jobId: string }>(JOB_CANCEL_TOPIC, ({ jobId }) =>
      queue.abortLocal(jobId),
    );
    const purge = () => void jobs.purgeExpired().catch((err: unknown) => log.warn({ err }, 'job purge failed'));
    timers.push(setInterval(purge, Math.min(10 * 60, config.JOB_RESULT_TTL_SECONDS) * 1000).unref());
  }

  return {
    config,
    log,
    db,
    redis,
    pubsub,
    tokens,
    limits,
    rateLimits,
    auth: new AuthService(db, tokens, limits, pubsub, config),
    chat,
    presence,
    connections,
    bots,
    jobs,
    queue,
    studies: new StudyService(db, catalog, new ParticipantTokens(jwtSecret, 7 * 24 * 3600), config),
    participantChat: new ParticipantChatService(db, catalog, jobs, config),
    participantChanges,
    /**
     * In order: stop timers, let running jobs finish within `jobGraceMs` (they still publish and write), then
     * pub/sub, Redis and the database. Each step is attempted even when an earlier one failed.
     */
    async close(jobGraceMs = config.SHUTDOWN_TIMEOUT_SECONDS * 500) {
      const step = (what: string) => (err: unknown) => log.warn({ err }, `shutdown: ${what} failed`);
      for (const timer of timers) clearInterval(timer);
      stopCancelListener();
      await sessionChanges.stop();
      bots.stop();
      presence.stop();
      await queue.close(jobGraceMs).catch(step('closing the queue'));
      await pubsub.close().catch(step('closing pub/sub'));
      await redis?.quit().catch(step('closing Redis'));
      await db.$disconnect().catch(step('closing the database'));
      await embedded?.stop().catch(step('stopping the embedded database'));
    },
  };
}
