import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type FakeModelServer, startFakeModelServer } from '../test/fake-model-server';
import { gql, register } from '../test/graphql-client';
import { botId, finished, modelEnv, waitForJob } from '../test/jobs-client';
import { startPrivateRedis } from '../test/private-redis';
import { type ServerProcess, startServer, startWorker, testEnv, uniqueName } from '../test/server-process';
import { waitFor } from '../test/wait-for';

const SEND = 'mutation($to: ID!, $body: String!) { sendMessage(toUserId: $to, body: $body) { id job { id state } } }';
const HISTORY = 'query($with: ID!) { conversation(withUserId: $with) { messages { id body from { username } } } }';

describe('a worker lost mid-stream', () => {
  let fake: FakeModelServer;
  let redis: Awaited<ReturnType<typeof startPrivateRedis>>;
  let env: Record<string, string>;
  before(async () => {
    fake = await startFakeModelServer();
    redis = await startPrivateRedis();
    // Short locks so that a dead worker's job is noticed as stalled within seconds.
    env = testEnv('redis', modelEnv(fake, { REDIS_URL: redis.url, ROLE: 'api', WORKER_LOCK_SECONDS: '2' }));
  });
  after(async () => {
    await redis?.remove();
    await fake?.close();
  });

  test('a worker SIGKILLed mid-stream: another worker picks the job up and one reply is stored', async () => {
    const api = await startServer(env);
    const doomed = await startWorker(env);
    let rescuer: ServerProcess | undefined;
    try {
      const user = await register(api.url, uniqueName('kill'));
      const bot = await botId(api.url, user.token);
      const sent = await gql(api.url, SEND, { to: bot, body: 'a long answer [tokens:60] [delay:50]' }, user.token);
      const jobId = sent.data?.sendMessage.job.id as string;
      await waitForJob(api.url, user.token, jobId, (j) => j.state === 'ACTIVE' && j.text.length > 0);
      // Killed before the rescuer starts: a slow start on a loaded machine must not let the doomed worker
      // finish the stream first.
      await doomed.kill();
      rescuer = await startWorker(env);
      const done = await waitForJob(api.url, user.token, jobId, finished, 30_000);
      assert.equal(done.state, 'COMPLETED');
      assert.equal(done.text.split(' ').filter(Boolean).length, 60);
      assert.ok(done.attempts >= 2, `attempts ${done.attempts}`);
      // Logged after the job's outcome is stored and published: the line may reach us a moment after.
      const { output } = rescuer;
      await waitFor(() => (/"msg":"job completed"/.test(output()) ? true : undefined)).catch(() => undefined);
      assert.match(output(), /"msg":"job completed"/);
      const history = (await gql(api.url, HISTORY, { with: bot }, user.token)).data?.conversation.messages;
      assert.equal(history.filter((m: { from: { username: string } }) => m.from.username === 'ChatGPT').length, 1);
    } finally {
      await Promise.all([api.stop(), doomed.stop(), rescuer?.stop()]);
    }
  });
});
