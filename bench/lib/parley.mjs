// Parley under test: the production build (server/dist/main.js) on loopback, with the load-test limits
// raised, and users registered through its own API.
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import path from 'node:path';
import { repoRoot, startNode } from './children.mjs';
import { inLanes } from './generator.mjs';

export const WORKER_CONCURRENCY = Number(process.env.BENCH_WORKER_CONCURRENCY ?? 20);

// Every client of the bench comes from 127.0.0.1, so per-IP and per-user limits would measure the
// limiter, not the server: they are raised here (and only here).
const RAISED_LIMITS = {
  MESSAGES_PER_MINUTE: '100000',
  CHAT_RATE_PER_MINUTE: '100000',
  CHAT_MAX_CONCURRENT: '1000',
  REGISTER_PER_IP_PER_HOUR: '1000000',
  LOGIN_MAX_FAILURES_PER_IP: '100000',
  PARTICIPATION_STARTS_PER_IP_PER_HOUR: '1000000',
  PARTICIPATION_STARTS_PER_STUDY_PER_MINUTE: '1000000',
};

/** `studiesDir`: bench/studies unless the bench assembled its own (rows/research-row.mjs). */
export function parleyEnv(testEnv, modelBaseUrl, studiesDir = path.join(repoRoot, 'bench/studies')) {
  return {
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info',
    DATABASE_URL: testEnv.databaseUrl,
    REDIS_URL: testEnv.redisUrl,
    REDIS_PREFIX: testEnv.redisPrefix,
    JWT_SECRET: randomBytes(24).toString('hex'),
    OPENAI_API_KEY: 'bench-key',
    OPENAI_BASE_URL: modelBaseUrl,
    GPT_VERSION: 'test-model',
    WORKER_CONCURRENCY: String(WORKER_CONCURRENCY),
    STUDIES_DIR: studiesDir,
    ...RAISED_LIMITS,
  };
}

/** Fails when something already answers on the port (its /healthz would pass for the new server's). */
async function assertFree(port) {
  const taken = await new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
  if (taken) throw new Error(`port ${port} is taken (a Parley left over from an earlier run?): set BENCH_PORT`);
}

/** Starts one Parley process (API and worker, ROLE=all) on `port`. */
export async function startParley(env, port, { nodeArgs = [] } = {}) {
  await assertFree(port);
  const server = await startNode(path.join(repoRoot, 'server/dist/main.js'), {
    env: { ...env, PORT: String(port) },
    // BENCH_CPU_PROF=<dir>: each Parley process writes a .cpuprofile there when it exits (see README).
    nodeArgs: [
      ...nodeArgs,
      ...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : []),
    ],
    // Its /healthz, not its log: BENCH_LOG_LEVEL may silence the start-up lines.
    probe: async () => {
      const url = `http://127.0.0.1:${port}`;
      const res = await fetch(`${url}/healthz`);
      return res.ok ? url : undefined;
    },
  });
  return { ...server, url: server.found, wsUrl: `${server.found.replace(/^http/, 'ws')}/graphql` };
}

/** Registers `count` users (a few at a time: each costs an argon2 hash) and returns { id, token }. */
export async function registerUsers(url, count, prefix) {
  const users = [];
  const tag = randomBytes(3).toString('hex');
  await inLanes(count, 4, async (i) => {
    const res = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: 'mutation($u: String!, $p: String!) { register(username: $u, password: $p) { token user { id } } }',
        variables: { u: `${prefix}_${tag}_${i}`, p: 'bench-password-1' },
      }),
    });
    const body = await res.json();
    if (!body.data?.register) throw new Error(`register failed: ${JSON.stringify(body.errors)}`);
    users[i] = { id: body.data.register.user.id, token: body.data.register.token };
  });
  return users;
}
