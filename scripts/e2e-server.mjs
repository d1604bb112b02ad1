// The server the Playwright tests run against: built output, a fresh database seeded with the demo
// users, Redis under a fresh prefix, port 4100, and a loopback model server on 4101 behind "ChatGPT".
// The database and keys are removed when Playwright stops it.
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestEnv } from './test-env.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);
const { startFakeModelServer } = require('../server/dist-test/test/fake-model-server.js');

const env = await createTestEnv('e2e');
// The shipped studies, and e2e-only ones (a short time limit, an attention check that ends the study).
const studiesDir = mkdtempSync(path.join(tmpdir(), 'parley-e2e-studies-'));
for (const from of ['studies', 'e2e/studies']) cpSync(path.join(root, from), studiesDir, { recursive: true });
// "ChatGPT" is backed by the loopback OpenAI-compatible server: the real openai client, no internet.
const model = await startFakeModelServer(Number(process.env.E2E_MODEL_PORT ?? 4101));
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
    STUDIES_DIR: studiesDir,
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    OPENAI_API_KEY: 'e2e-key',
    OPENAI_BASE_URL: model.baseUrl,
    GPT_VERSION: 'test-model',
    // e2e/research.spec.ts checks the shown cost against the fake server's usage at this price.
    MODEL_PRICES: JSON.stringify({ 'test-model': { input: 2, output: 8 } }),
    JOB_BACKOFF_MS: '200',
    // A stuck model call is retried well within the tests' 15 s expectations.
    MODEL_TIMEOUT_SECONDS: '4',
    BOT_HEALTH_INTERVAL_SECONDS: '5',
    // Every browser of the tests comes from 127.0.0.1.
    REGISTER_PER_IP_PER_HOUR: '10000',
    MESSAGES_PER_MINUTE: '10000',
    PARTICIPATION_STARTS_PER_IP_PER_HOUR: '10000',
    PARTICIPATION_STARTS_PER_STUDY_PER_MINUTE: '10000',
    LOGIN_MAX_FAILURES_PER_IP: '10000',
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
  await model.close();
  await env.destroy();
  rmSync(studiesDir, { recursive: true, force: true });
  process.exit(stopping ? 0 : (status ?? 1));
});
