// Runs the server's tests (node:test, on the compiled output) against a fresh database and Redis prefix.
// `--faults` runs the fault suite instead (*.fault.js: tests that kill and restart Redis, Postgres and processes).
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestEnv } from './test-env.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = path.join(root, 'server/dist-test');
const faults = process.argv.includes('--faults');
const only = process.argv.slice(2).filter((a) => a !== '--faults');
const files = readdirSync(dist, { recursive: true })
  .filter((f) => f.endsWith(faults ? '.fault.js' : '.test.js'))
  .filter((f) => !only.length || only.some((o) => f.includes(o)))
  .map((f) => path.join(dist, f))
  .sort();

const env = await createTestEnv('test');
const code = await new Promise((resolve) => {
  const child = spawn(
    process.execPath,
    ['--test', '--test-concurrency=1', '--test-timeout=600000', '--test-reporter=spec', ...files],
    {
      cwd: root,
      stdio: 'inherit',
      env: {
        ...process.env,
        TEST_DATABASE_URL: env.databaseUrl,
        TEST_REDIS_URL: env.redisUrl,
        TEST_REDIS_PREFIX: env.redisPrefix,
      },
    },
  );
  child.on('exit', (status) => resolve(status ?? 1));
});
await env.destroy();
process.exit(code);
