import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type FakeModelServer, startFakeModelServer } from '../test/fake-model-server';
import { gql, register } from '../test/graphql-client';
import { botId, finished, modelEnv, waitForJob } from '../test/jobs-client';
import { startPrivateRedis } from '../test/private-redis';
import { startServer, startWorker, testEnv, uniqueName } from '../test/server-process';
import { waitFor } from '../test/wait-for';

const SEND = 'mutation($to: ID!, $body: String!) { sendMessage(toUserId: $to, body: $body) { id job { id } } }';
const HISTORY = 'query($with: ID!) { conversation(withUserId: $with) { messages { from { id } } } }';

describe('background failures are logged, not fatal', () => {
  let fake: FakeModelServer;
  before(async () => {
    fake = await startFakeModelServer();
  });
  after(() => fake.close());

  test('Redis stops mid-stream: the worker logs the failed publishes, stays up, and the job ends once', async () => {
    const redis = await startPrivateRedis();
    const env = testEnv('redis', modelEnv(fake, { ROLE: 'api', REDIS_URL: redis.url, WORKER_LOCK_SECONDS: '2' }));
    const api = await startServer(env);
    const worker = await startWorker(env);
    try {
      const user = await register(api.url, uniqueName('blip'));
      const bot = await botId(api.url, user.token);
      const sent = await gql(api.url, SEND, { to: bot, body: 'blip [tokens:80] [delay:40]' }, user.token);
      const jobId = sent.data?.sendMessage.job.id as string;
      await waitForJob(api.url, user.token, jobId, (j) => j.state === 'ACTIVE' && j.text.length > 0);

      await redis.stop();
      const { output } = worker;
      await waitFor(
        () => (/"msg":"could not save or publish the text so far"/.test(output()) ? true : undefined),
        20_000,
      );
      assert.equal(worker.child.exitCode, null, 'the worker is still running');
      assert.equal(api.child.exitCode, null, 'the API is still running');
      assert.doesNotMatch(output(), /Unhandled|uncaught/i);

      await redis.start();
      const job = await waitForJob(api.url, user.token, jobId, finished, 30_000);
      assert.equal(job.state, 'COMPLETED');
      assert.equal(job.text.split(' ').filter(Boolean).length, 80);
      const history = (await gql(api.url, HISTORY, { with: bot }, user.token)).data?.conversation.messages;
      assert.equal(history.filter((m: { from: { id: string } }) => m.from.id === bot).length, 1);
    } finally {
      await Promise.all([api.stop(), worker.stop()]);
      await redis.remove();
    }
  });
});
