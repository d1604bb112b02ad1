import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import path from 'node:path';

export const TEST_JWT_SECRET = 'test-secret-test-secret-test-secret-0123';

export interface ServerProcess {
  url: string;
  wsUrl: string;
  child: ChildProcess;
  /** Everything the process printed, for asserting on logs. */
  output(): string;
  stop(): Promise<void>;
  kill(): Promise<void>;
}

export type ServerMode = 'redis' | 'single-node';

/** Settings for a server on this test run's database; `redis` shares the run's Redis prefix. */
export function testEnv(mode: ServerMode = 'redis', overrides: Record<string, string> = {}): Record<string, string> {
  const databaseUrl = process.env.TEST_DATABASE_URL;
  if (!databaseUrl) throw new Error('TEST_DATABASE_URL is not set: run the tests with `npm run test:server`.');
  return {
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'info',
    DATABASE_URL: databaseUrl,
    JWT_SECRET: TEST_JWT_SECRET,
    PRESENCE_TIMEOUT_SECONDS: '3',
    LOGIN_MAX_FAILURES_PER_IP: '1000',
    // Every test client comes from 127.0.0.1: limit tests set their own low values.
    REGISTER_PER_IP_PER_HOUR: '100000',
    MESSAGES_PER_MINUTE: '100000',
    PARTICIPATION_STARTS_PER_IP_PER_HOUR: '100000',
    PARTICIPATION_STARTS_PER_STUDY_PER_MINUTE: '100000',
    ...(mode === 'redis'
      ? {
          REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
          REDIS_PREFIX: process.env.TEST_REDIS_PREFIX ?? 'parley-test',
        }
      : {}),
    ...overrides,
  };
}

const mainJs = path.resolve(__dirname, '../main.js');
const workerJs = path.resolve(__dirname, '../worker.js');

/** Starts the real server (server/dist/main.js) as a child process and waits until it listens. */
export function startServer(env: Record<string, string> = testEnv(), timeoutMs = 30_000): Promise<ServerProcess> {
  return startProcess(mainJs, env, /"url":"(http:\/\/[^"]+)"/, timeoutMs);
}

/** Starts several servers at once; should one fail, the others are stopped before this throws (none outlives the test). */
export async function startServers(envs: Record<string, string>[]): Promise<ServerProcess[]> {
  const started = await Promise.allSettled(envs.map((env) => startServer(env)));
  const failed = started.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  const servers = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  if (!failed) return servers;
  await Promise.all(servers.map((server) => server.stop()));
  throw failed.reason;
}

/** Starts a queue worker (server/dist/worker.js); it has no URL of its own. */
export function startWorker(env: Record<string, string> = testEnv()): Promise<ServerProcess> {
  return startProcess(workerJs, env, /"msg":"worker is (running)"/);
}

async function startProcess(
  script: string,
  env: Record<string, string>,
  ready: RegExp,
  timeoutMs = 30_000,
): Promise<ServerProcess> {
  const base = Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) => !/^(DATABASE_URL|REDIS_URL|REDIS_PREFIX|PORT|JWT_SECRET|OPENAI_\w+|GPT_\w+|BOTS_FILE|ROLE)$/.test(k),
    ),
  );
  const child = spawn(process.execPath, [script], { env: { ...base, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  // 'close' comes after 'exit' once stdout and stderr are drained: what the process wrote before it ended is in
  // output() by then.
  const closed = once(child, 'close').then(
    () => undefined,
    () => undefined,
  );
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL'); // a process that never got ready must not outlive the test
      reject(new Error(`server did not start within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const onData = () => {
      const match = ready.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${output}`));
    });
  });
  return {
    url,
    wsUrl: `${url.replace(/^http/, 'ws')}/graphql`,
    child,
    output: () => output,
    async stop() {
      child.kill('SIGTERM');
      await closed;
    },
    async kill() {
      child.kill('SIGKILL');
      await closed;
    },
  };
}

/** A username unique to this run, so tests sharing the database never collide. */
export const uniqueName = (base: string) => `${base}_${randomBytes(4).toString('hex')}`;

/** What the process's `/readyz` answers: its HTTP status and which dependencies respond. */
export async function readiness(url: string) {
  const res = await fetch(`${url}/readyz`);
  return {
    status: res.status,
    ...((await res.json()) as { ready: boolean; postgres: boolean; redis: boolean | null }),
  };
}
