// The server the Playwright tests run against: built output, a fresh database seeded with the demo
// users, Redis under a fresh prefix, port 4100. Both are removed when Playwright stops it.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createTestEnv } from './test-env.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const env = await createTestEnv('e2e');
const child = spawn(process.execPath, ['server/dist/main.js'], {
  cwd: root,
  stdio: 'inherit',
  env: {
    ...process.env,
    PORT: process.env.E2E_PORT ?? '4100',
    HOST: '127.0.0.1',
    DATABASE_URL: env.databaseUrl,
    REDIS_URL: env.redisUrl,
    REDIS_PREFIX: env.redisPrefix,
    JWT_SECRET: 'e2e-secret-e2e-secret-e2e-secret-e2e',
    SEED_DEMO_USERS: 'true',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
  },
});
let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  child.kill('SIGTERM');
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
child.on('exit', async (status) => {
  await env.destroy();
  process.exit(stopping ? 0 : (status ?? 1));
});
