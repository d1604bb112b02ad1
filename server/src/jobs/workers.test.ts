import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type FakeModelServer, startFakeModelServer } from '../test/fake-model-server';
import { register } from '../test/graphql-client';
import { finished, modelEnv, submitChat, waitForJob } from '../test/jobs-client';
import { startServer, startWorker, testEnv, uniqueName } from '../test/server-process';
import { waitFor } from '../test/wait-for';

describe('separate worker processes on BullMQ', () => {
  let fake: FakeModelServer;
  let env: Record<string, string>;
  before(async () => {
    fake = await startFakeModelServer();
    // Short locks so that a dead worker's job is noticed as stalled within seconds.
    env = testEnv('redis', modelEnv(fake, { ROLE: 'api', WORKER_LOCK_SECONDS: '2', WORKER_CONCURRENCY: '2' }));
  });
  after(() => fake.close());

  test('two workers share the queue: every job completes exactly once', async () => {
    const api = await startServer(env);
    const workers = await Promise.all([startWorker(env), startWorker(env)]);
    try {
      const user = await register(api.url, uniqueName('many'));
      const ids: string[] = [];
      for (let i = 0; i < 8; i++) {
        const job = await submitChat(api.url, user.token, {
          messages: [{ role: 'user', content: `job ${i} [delay:20]` }],
        });
        ids.push(job.data?.submitChat.id as string);
      }
      const done = await Promise.all(ids.map((id) => waitForJob(api.url, user.token, id, finished)));
      assert.deepEqual(
        done.map((j) => j.state),
        Array(8).fill('COMPLETED'),
      );
      assert.deepEqual(
        done.map((j) => j.text),
        ids.map((_, i) => `Echo: job ${i} [turns: 1]`),
      );
      // Each worker logs a job after storing and publishing it: the lines may reach us a moment later.
      const runs = () => workers.map((w) => (w.output().match(/"msg":"job completed"/g) ?? []).length);
      await waitFor(() => (runs().reduce((a, b) => a + b) >= 8 ? true : undefined)).catch(() => undefined);
      const ran = runs();
      assert.equal(ran[0]! + ran[1]!, 8, `runs per worker: ${ran}`);
    } finally {
      await Promise.all([api.stop(), ...workers.map((w) => w.stop())]);
    }
  });

  test('queued jobs survive an API restart and run when a worker comes', async () => {
    let api = await startServer(env);
    const user = await register(api.url, uniqueName('restart'));
    const job = (
      await submitChat(api.url, user.token, { messages: [{ role: 'user', content: 'waiting for a worker' }] })
    ).data?.submitChat;
    assert.equal(job?.state, 'QUEUED');
    await api.stop();
    api = await startServer(env);
    const worker = await startWorker(env);
    try {
      const done = await waitForJob(api.url, user.token, job?.id as string, finished);
      assert.equal(done.state, 'COMPLETED');
      assert.equal(done.text, 'Echo: waiting for a worker [turns: 1]');
    } finally {
      await Promise.all([api.stop(), worker.stop()]);
    }
  });

  test('a worker without REDIS_URL refuses to start with a clear message', async () => {
    const { REDIS_URL: _, ...noRedis } = env;
    await assert.rejects(startWorker(noRedis), /REDIS_URL is required/);
  });
});

describe('single-node mode after a restart', () => {
  test('jobs that were queued or running when the process stopped are run when it starts again', async () => {
    const fake = await startFakeModelServer();
    const env = testEnv('single-node', modelEnv(fake));
    let server = await startServer(env);
    try {
      const user = await register(server.url, uniqueName('single'));
      const job = (
        await submitChat(server.url, user.token, {
          messages: [{ role: 'user', content: 'slow [tokens:100] [delay:50]' }],
        })
      ).data?.submitChat;
      await waitForJob(server.url, user.token, job?.id as string, (j) => j.state === 'ACTIVE');
      await server.kill();
      server = await startServer(env);
      const done = await waitForJob(server.url, user.token, job?.id as string, finished, 30_000);
      assert.equal(done.state, 'COMPLETED');
      assert.equal(done.text.split(' ').filter(Boolean).length, 100);
    } finally {
      await server.stop();
      await fake.close();
    }
  });
});
