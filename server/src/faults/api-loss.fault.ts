import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type FakeModelServer, startFakeModelServer } from '../test/fake-model-server';
import { gql, register } from '../test/graphql-client';
import { botId, finished, modelEnv, waitForJob } from '../test/jobs-client';
import { startPrivateRedis } from '../test/private-redis';
import { type ServerProcess, startServers, testEnv, uniqueName } from '../test/server-process';
import { assertNothingLost, progressed, reconnected } from './chat-checks';
import { keepChatting, makePair } from './chatters';

const SEND = 'mutation($to: ID!, $body: String!) { sendMessage(toUserId: $to, body: $body) { id job { id } } }';
const HISTORY = 'query($with: ID!) { conversation(withUserId: $with) { messages { from { id } } } }';
const SHUTDOWN_SECONDS = 10;

describe('an API process lost under load (two processes on one Redis)', () => {
  let fake: FakeModelServer;
  let redis: Awaited<ReturnType<typeof startPrivateRedis>>;
  let env: Record<string, string>;
  before(async () => {
    fake = await startFakeModelServer();
    redis = await startPrivateRedis();
    env = testEnv(
      'redis',
      modelEnv(fake, { REDIS_URL: redis.url, SHUTDOWN_TIMEOUT_SECONDS: String(SHUTDOWN_SECONDS) }),
    );
  });
  after(async () => {
    await redis?.remove();
    await fake?.close();
  });

  for (const how of ['SIGKILL', 'SIGTERM'] as const) {
    test(`${how}: clients move to the other process and catch up; nothing lost or stored twice`, async () => {
      const [a, b] = (await startServers([env, env])) as [ServerProcess, ServerProcess];
      // Everyone starts on A and falls back to B.
      const routes = { send: [a.url, b.url], listen: [a.url, b.url] };
      const pairs = await Promise.all(Array.from({ length: 8 }, (_, i) => makePair(routes, `${how}${i}`)));
      const chat = keepChatting(pairs, 400);
      let job: { token: string; bot: string; id: string } | undefined;
      try {
        await progressed(pairs, 3);
        if (how === 'SIGTERM') {
          // A model reply streaming on A when it is told to stop.
          const user = await register(a.url, uniqueName('term'));
          const bot = await botId(a.url, user.token);
          const sent = await gql(a.url, SEND, { to: bot, body: 'under load [tokens:30] [delay:40]' }, user.token);
          job = { token: user.token, bot, id: sent.data?.sendMessage.job.id as string };
          await waitForJob(a.url, job.token, job.id, (j) => j.state === 'ACTIVE' && j.text.length > 0);
          const started = Date.now();
          await a.stop();
          assert.deepEqual([a.child.exitCode, a.child.signalCode], [0, null], a.output().slice(-2000));
          assert.ok(Date.now() - started < SHUTDOWN_SECONDS * 1000, `took ${Date.now() - started} ms`);
        } else {
          await a.kill();
        }
        // Receivers notice the lost socket and reconnect to B, a moment after senders have moved there.
        await reconnected(pairs);
        await progressed(pairs, 5);
      } finally {
        await chat.stop();
      }
      try {
        await assertNothingLost(pairs);
        if (job) {
          const done = await waitForJob(b.url, job.token, job.id, finished);
          assert.deepEqual([done.state, done.text.split(' ').filter(Boolean).length], ['COMPLETED', 30]);
          const history = (await gql(b.url, HISTORY, { with: job.bot }, job.token)).data?.conversation.messages;
          assert.equal(history.filter((m: { from: { id: string } }) => m.from.id === job?.bot).length, 1);
        }
        assert.equal(b.child.exitCode, null);
      } finally {
        await Promise.all(pairs.map((p) => p.close()));
        await Promise.all([a.stop(), b.stop()]);
      }
    });
  }
});
