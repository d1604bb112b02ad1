import path from 'node:path';
import { z } from 'zod';

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
    DATA_DIR: z.string().min(1).default(path.join(repoRoot, '.data')),
    EMBEDDED_PG_PORT: int(1, 65535).default(54329),
    REDIS_URL: optionalUrl(['redis://', 'rediss://']),
    REDIS_PREFIX: z
      .string()
      .regex(/^[\w.:-]+$/, 'letters, digits and . _ : - only')
      .default('parley'),
    JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    JWT_TTL_SECONDS: int(60, 365 * 24 * 3600).default(7 * 24 * 3600),
    ALLOW_REGISTRATION: bool.default(true),
    SEED_DEMO_USERS: bool.optional(),
    SEED_USERS_FILE: z.string().min(1).default(path.join(repoRoot, 'prisma/seed-users.json')),
    FRONTEND_URL: z.string().url().optional(),
    TRUST_PROXY: bool.default(false),
    GRAPHQL_INTROSPECTION: bool.default(true),
    MAX_MESSAGE_CHARS: int(1, 100_000).default(4000),
    MAX_REQUEST_BYTES: int(1024, 50 * 1024 * 1024).default(1024 * 1024),
    MAX_QUERY_DEPTH: int(2, 100).default(12),
    PRESENCE_TIMEOUT_SECONDS: int(2, 3600).default(10),
    LOGIN_MAX_FAILURES: int(1, 10_000).default(5),
    LOGIN_MAX_FAILURES_PER_IP: int(1, 100_000).default(50),
    LOGIN_WINDOW_SECONDS: int(1, 86_400).default(15 * 60),
    WEB_DIST_DIR: z.string().min(1).default(path.join(repoRoot, 'web/dist')),
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

/** Reads and validates the environment; a bad value throws one line naming the variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = schema.safeParse(present);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const name = String(issue?.path[0] ?? 'environment');
  const got = name in present ? ` (got ${JSON.stringify(present[name])})` : '';
  throw new ConfigError(`Invalid configuration: ${name} ${issue?.message ?? 'is invalid'}${got}`);
}
