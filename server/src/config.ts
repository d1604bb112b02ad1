import path from 'node:path';
import { z } from 'zod';
import { parseTrustProxy } from './http/trust-proxy';
import { chatQuotas, modelPrices } from './usage/usage-config';

const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const optionalUrl = (protocols: string[]) =>
  z
    .string()
    .url()
    .refine((v) => protocols.some((p) => v.startsWith(p)), `must start with ${protocols.join(' or ')}`)
    .optional();

export const repoRoot = path.resolve(__dirname, '../..');

const schema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    PORT: int(0, 65535).default(4000),
    HOST: z.string().min(1).default('0.0.0.0'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    DATABASE_URL: optionalUrl(['postgres://', 'postgresql://']),
    DATABASE_POOL_SIZE: int(1, 1000).default(10),
    DATA_DIR: z.string().min(1).default(path.join(repoRoot, '.data')),
    EMBEDDED_PG_PORT: int(1, 65535).default(54329),
    REDIS_URL: optionalUrl(['redis://', 'rediss://']),
    REDIS_PREFIX: z
      .string()
      .regex(/^[\w.:-]+$/, 'letters, digits and . _ : - only')
      .default('parley'),
    JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    JWT_TTL_SECONDS: int(1, 365 * 24 * 3600).default(7 * 24 * 3600),
    ALLOW_REGISTRATION: bool.default(true),
    SEED_DEMO_USERS: bool.optional(),
    SEED_USERS_FILE: z.string().min(1).default(path.join(repoRoot, 'prisma/seed-users.json')),
    FRONTEND_URL: z.string().url().optional(),
    TRUST_PROXY: z
      .string()
      .default('false')
      .transform((value, ctx) => {
        const parsed = parseTrustProxy(value);
        if (typeof parsed === 'object' && parsed !== null && 'error' in parsed) {
          ctx.addIssue({ code: 'custom', message: parsed.error });
          return z.NEVER;
        }
        return parsed;
      }),
    GRAPHQL_INTROSPECTION: bool.default(true),
    MAX_MESSAGE_CHARS: int(1, 100_000).default(4000),
    MAX_REQUEST_BYTES: int(1024, 100 * 1024 * 1024).default(8 * 1024 * 1024),
    PRESENCE_TIMEOUT_SECONDS: int(2, 3600).default(10),
    LOGIN_MAX_FAILURES: int(1, 10_000).default(5),
    LOGIN_MAX_FAILURES_PER_IP: int(1, 100_000).default(50),
    LOGIN_WINDOW_SECONDS: int(1, 86_400).default(15 * 60),
    WEB_DIST_DIR: z.string().min(1).default(path.join(repoRoot, 'web/dist')),

    // Model calls (the names GPT_VERSION and GPT_TOKEN_LIMIT are chat-tasks'; its .env works as it is).
    OPENAI_API_KEY: z.string().min(1).optional(),
    OPENAI_BASE_URL: z.string().url().optional(),
    GPT_VERSION: z.string().min(1).default('gpt-4o-mini'),
    GPT_TOKEN_LIMIT: int(1, 1_000_000).default(1024),
    ALLOWED_MODELS: z
      .string()
      .transform((v) =>
        v
          .split(',')
          .map((m) => m.trim())
          .filter(Boolean),
      )
      .optional(),
    BOTS_FILE: z.string().min(1).optional(),
    ROLE: z.enum(['all', 'api', 'worker']).default('all'),
    WORKER_CONCURRENCY: int(1, 1000).default(4),
    WORKER_LOCK_SECONDS: int(1, 3600).default(30),
    JOB_ATTEMPTS: int(1, 20).default(3),
    JOB_BACKOFF_MS: int(0, 600_000).default(1000),
    JOB_RESULT_TTL_SECONDS: int(1, 365 * 24 * 3600).default(24 * 3600),
    MODEL_TIMEOUT_SECONDS: int(1, 3600).default(120),
    CHAT_RATE_PER_MINUTE: int(1, 100_000).default(20),
    CHAT_MAX_CONCURRENT: int(1, 1000).default(3),
    CHAT_HISTORY_CHARS: int(100, 1_000_000).default(12_000),
    MAX_IMAGE_BYTES: int(1024, 20 * 1024 * 1024).default(1024 * 1024),
    MAX_IMAGES_PER_TURN: int(0, 20).default(4),
    STREAM_THROTTLE_MS: int(0, 5000).default(50),
    BOT_HEALTH_INTERVAL_SECONDS: int(1, 3600).default(30),

    // Studies (PROLIFIC_CODE and PROLIFIC_URL are chat-tasks' names: defaults for every study).
    STUDIES_DIR: z.string().min(1).default(path.join(repoRoot, 'studies')),
    PROLIFIC_CODE: z.string().min(1).optional(),
    PROLIFIC_URL: z.string().url().optional(),
    MAX_PARTICIPATION_BYTES: int(1024, 50 * 1024 * 1024).default(1024 * 1024),

    // issue 9, studychat: images per submitChat request (each image is also at most MAX_IMAGE_BYTES).
    MAX_IMAGES_PER_REQUEST: int(0, 100).default(4),
    MAX_IMAGE_BYTES_PER_REQUEST: int(1024, 100 * 1024 * 1024).default(4 * 1024 * 1024),
    // issue 9, lifecycle
    // A participant token's life before consent and in studies without a time limit.
    PARTICIPANT_TOKEN_TTL_SECONDS: int(60, 365 * 24 * 3600).default(7 * 24 * 3600),
    // How long a participant token outlives its participation's time (deadline + grace), so that a late
    // call is told TIMED_OUT rather than UNAUTHENTICATED; after it, every token of that participation is dead.
    PARTICIPANT_TOKEN_LINGER_SECONDS: int(0, 7 * 24 * 3600).default(900),
    // issue 9, limits: each counted before the work it guards (Redis, or memory in single-node mode).
    REGISTER_PER_IP_PER_HOUR: int(1, 1_000_000).default(20),
    MESSAGES_PER_MINUTE: int(1, 100_000).default(60),
    PARTICIPATION_STARTS_PER_IP_PER_HOUR: int(1, 1_000_000).default(30),
    PARTICIPATION_STARTS_PER_STUDY_PER_MINUTE: int(1, 1_000_000).default(120),
    // How often each process re-checks its open sockets' sessions (revoked, expired, user removed or role changed).
    SESSION_CHECK_SECONDS: int(1, 3600).default(15),
    // How long a checked session is remembered in memory at most (0: ask Postgres on every request). A change
    // forgets it at once, through Postgres' notifications; this only bounds the cost of a lost one.
    SESSION_CACHE_SECONDS: int(0, 3600).default(60),
    // Single-node mode: how often expired sessions are deleted from Postgres.
    SESSION_PRUNE_SECONDS: int(1, 7 * 24 * 3600).default(3600),
    // issue 9, armour: limits every GraphQL document meets before it runs (HTTP and WebSocket), and framing.
    GRAPHQL_MAX_DEPTH: int(2, 100).default(12),
    GRAPHQL_MAX_ALIASES: int(0, 100_000).default(20),
    GRAPHQL_MAX_DIRECTIVES: int(0, 100_000).default(30),
    GRAPHQL_MAX_TOKENS: int(100, 10_000_000).default(3000),
    GRAPHQL_MAX_COST: int(1, 100_000_000).default(5000),
    STUDY_FRAME_ANCESTORS: z
      .string()
      .transform((v) => v.split(/[\s,]+/).filter(Boolean))
      .pipe(
        z.array(
          z
            .string()
            .regex(/^(https?:\/\/(\*\.)?[\w.-]+(:\d+)?|'self')$/, "origins such as https://example.org, or 'self'"),
        ),
      )
      .default([]),
    // issue 11, usage: prices per model (USD per million tokens) and daily chat quotas per role.
    MODEL_PRICES: modelPrices,
    CHAT_QUOTAS: chatQuotas,
    // issue 10, ops
    /** SIGTERM: seconds to finish requests and running jobs and close everything; then the process ends. */
    SHUTDOWN_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(600).default(10),
    /** GET /metrics: when set, only `Authorization: Bearer <token>` may read it; unset, loopback only. */
    METRICS_TOKEN: z.string().min(16).optional(),
    // issue 10, hotpaths
    // Distinct WebSocket documents kept parsed and validated per process (0 = no cache).
    GRAPHQL_DOCUMENT_CACHE_SIZE: int(0, 100_000).default(1000),
  })
  .superRefine((env, ctx) => {
    if (env.REDIS_URL && !env.JWT_SECRET) {
      ctx.addIssue({
        code: 'custom',
        path: ['JWT_SECRET'],
        message: 'is required when REDIS_URL is set (every process must share it)',
      });
    }
    if (env.NODE_ENV === 'production' && !env.JWT_SECRET) {
      ctx.addIssue({ code: 'custom', path: ['JWT_SECRET'], message: 'is required when NODE_ENV=production' });
    }
  });

export type Config = z.infer<typeof schema>;

export class ConfigError extends Error {}

/** Reads and validates the environment; a bad value throws one line naming the variable (not its value). */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  // The name before issue 9, still read.
  if (present.MAX_QUERY_DEPTH && !present.GRAPHQL_MAX_DEPTH) present.GRAPHQL_MAX_DEPTH = present.MAX_QUERY_DEPTH;
  const result = schema.safeParse(present);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const name = String(issue?.path[0] ?? 'environment');
  // Never the value: it may be a secret, and start-up errors end up in shared logs.
  throw new ConfigError(`Invalid configuration: ${name} ${issue?.message ?? 'is invalid'}`);
}

/** loadConfig for entry points: a bad value ends the process with its one-line message. */
export function loadConfigOrExit(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
}
