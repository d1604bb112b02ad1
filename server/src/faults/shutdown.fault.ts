import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type FakeModelServer, startFakeModelServer } from '../test/fake-model-server';
import { connect, gql, register } from '../test/graphql-client';
import { botId, finished, modelEnv, waitForJob } from '../test/jobs-client';
import {
  type ServerMode,
  type ServerProcess,
  startServer,
  startWorker,
  testEnv,
  uniqueName,
} from '../test/server-process';
import { waitFor } from '../test/wait-for';

const SEND = 'mutation($to: ID!, $body: String!) { sendMessage(toUserId: $to, body: $body) { id job { id } } }';
const HISTORY = 'query($with: ID!) { conversation(withUserId: $with) { messages { body from { id } } } }';

/** SIGTERM, then how the process ended and how long it took. */
async function terminate(process: ServerProcess) {
  const started = Date.now();
  await process.stop();
  return { code: process.child.exitCode, signal: process.child.signalCode, ms: Date.now() - started };
}

async function startJob(url: string, body: string) {
  const user = await register(url, uniqueName('term'));
  const bot = await botId(url, user.token);
  const sent = await gql(url, SEND, { to: bot, body }, user.token);
  assert.equal(sent.errors, undefined);
  const jobId = sent.data?.sendMessage.job.id as string;
  await waitForJob(url, user.token, jobId, (j) => j.state === 'ACTIVE' && j.text.length > 0);
  return { user, bot, jobId };
}

async function replies(url: string, token: string, bot: string) {
  const history = (await gql(url, HISTORY, { with: bot }, token)).data?.conversation.messages;
  return (history as { body: string; from: { id: string } }[]).filter((m) => m.from.id === bot);
}

describe('graceful shutdown (SIGTERM)', () => {
  let fake: FakeModelServer;
  before(async () => {
    fake = await startFakeModelServer();
  });
  after(() => fake.close());

  for (const mode of ['redis', 'single-node'] as ServerMode[]) {
    test(`${mode}: the API closes sockets with 1012, finishes the running job and exits 0 in time`, async () => {
      const env = testEnv(mode, modelEnv(fake, { SHUTDOWN_TIMEOUT_SECONDS: '10', REDIS_PREFIX: uniqueName('term') }));
      let server = await startServer(env);
      try {
        const { user, bot, jobId } = await startJob(server.url, `${mode} api [tokens:30] [delay:40]`);
        const socket = connect(server.wsUrl, user.token);
        await socket.connected;
        const ended = await terminate(server);
        assert.deepEqual([ended.code, ended.signal], [0, null], server.output());
        assert.ok(ended.ms < 10_000, `took ${ended.ms} ms`);
        assert.equal(await socket.closed, 1012, 'the reconnect hint');
        assert.match(server.output(), /"msg":"job completed"/, 'finished before exiting');
        server = await startServer(env);
        const job = await waitForJob(server.url, user.token, jobId, finished);
        assert.equal(job.state, 'COMPLETED');
        assert.equal(job.attempts, 1);
        assert.equal(job.text.split(' ').filter(Boolean).length, 30);
        assert.equal((await replies(server.url, user.token, bot)).length, 1);
      } finally {
        await server.stop();
      }
    });
  }

  test('redis: a worker finishes its running job, then exits 0', async () => {
    const env = testEnv('redis', modelEnv(fake, { ROLE: 'api', REDIS_PREFIX: uniqueName('term') }));
    const api = await startServer(env);
    const worker = await startWorker({ ...env, SHUTDOWN_TIMEOUT_SECONDS: '10' });
    try {
      const { user, bot, jobId } = await startJob(api.url, 'worker [tokens:30] [delay:40]');
      const ended = await terminate(worker);
      assert.deepEqual([ended.code, ended.signal], [0, null], worker.output());
      assert.ok(ended.ms < 10_000, `took ${ended.ms} ms`);
      const job = await waitForJob(api.url, user.token, jobId, finished);
      assert.deepEqual([job.state, job.attempts], ['COMPLETED', 1]);
      assert.equal((await replies(api.url, user.token, bot)).length, 1);
    } finally {
      await Promise.all([api.stop(), worker.stop()]);
    }
  });

  test('redis: a job longer than the budget goes back to the queue; the next worker completes it once', async () => {
    const env = testEnv(
      'redis',
      modelEnv(fake, { ROLE: 'api', WORKER_LOCK_SECONDS: '2', REDIS_PREFIX: uniqueName('term') }),
    );
    const api = await startServer(env);
    const doomed = await startWorker({ ...env, SHUTDOWN_TIMEOUT_SECONDS: '2' });
    let rescuer: ServerProcess | undefined;
    try {
      const { user, bot, jobId } = await startJob(api.url, 'long [tokens:100] [delay:50]');
      const ended = await terminate(doomed);
      assert.deepEqual([ended.code, ended.signal], [0, null], doomed.output());
      assert.ok(ended.ms < 2_000 + 1_000, `took ${ended.ms} ms`);
      assert.doesNotMatch(doomed.output(), /"msg":"job completed"/);
      // Its lock expires; the next worker to start finds it stalled and runs it again.
      rescuer = await startWorker(env);
      const job = await waitForJob(api.url, user.token, jobId, finished, 30_000);
      assert.equal(job.state, 'COMPLETED');
      assert.ok(job.attempts >= 2, `attempts ${job.attempts}`);
      assert.equal(job.text.split(' ').filter(Boolean).length, 100);
      // The row is COMPLETED a moment before the worker logs it.
      const { output } = rescuer;
      await waitFor(() => (/"msg":"job completed"/.test(output()) ? true : undefined));
      assert.equal((await replies(api.url, user.token, bot)).length, 1);
    } finally {
      await Promise.all([api.stop(), doomed.stop(), rescuer?.stop()]);
    }
  });
});
