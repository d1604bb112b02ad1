import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { gql } from '../test/graphql-client';
import { startPrivateRedis } from '../test/private-redis';
import { readiness, type ServerProcess, startServers, testEnv } from '../test/server-process';
import { pollUntil } from '../test/wait-for';
import { assertNothingLost, progressed, reconnected, totals } from './chat-checks';
import { keepChatting, makePair } from './chatters';

const OUTAGE_MS = 10_000;

const whenReady = (server: ServerProcess) =>
  pollUntil(async () => ((await readiness(server.url)).ready ? true : undefined), 30_000);

describe('Redis stopped for 10 s while people chat (two API processes, Redis without persistence)', () => {
  let redis: Awaited<ReturnType<typeof startPrivateRedis>>;
  let a: ServerProcess;
  let b: ServerProcess;
  before(async () => {
    redis = await startPrivateRedis({ persist: false });
    const env = testEnv('redis', { REDIS_URL: redis.url, REDIS_PREFIX: 'outage' });
    [a, b] = (await startServers([env, env])) as [ServerProcess, ServerProcess];
  });
  after(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await redis?.remove();
  });

  test('the APIs stay up and report it; every message sent is stored once and reaches its receiver', async () => {
    // Senders post to A, receivers listen on B: every live delivery crosses Redis.
    const routes = { send: [a.url], listen: [b.url] };
    const pairs = await Promise.all(Array.from({ length: 8 }, (_, i) => makePair(routes, `out${i}`)));
    const chat = keepChatting(pairs, 400);
    try {
      await pollUntil(async () => (pairs.every((p) => p.live.length >= 2) ? true : undefined), 20_000);
      await redis.stop();
      const down = await pollUntil(async () => {
        const state = await readiness(b.url);
        return state.redis === false ? state : undefined;
      }, 10_000);
      assert.deepEqual([down.status, down.ready], [503, false]);
      // The outage lasts its full length while the senders keep trying.
      await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS));
      await redis.start();
      await Promise.all([whenReady(a), whenReady(b)]);
      await progressed(pairs, 3);
    } finally {
      await chat.stop();
    }
    after(() => Promise.all(pairs.map((p) => p.close())));
    const sum = totals(pairs);
    assert.ok(sum.refused > 0, `sends were refused during the outage: ${JSON.stringify(sum)}`);
    // What was published while B's subscriber was away never reached it: once its subscriber connection is
    // back (it may come a moment after the command connection /readyz checks), B asks its clients to
    // reconnect and catch up.
    await reconnected(pairs);
    await assertNothingLost(pairs);
    // Subscriptions work again: a new message arrives live.
    const [pair] = pairs;
    assert.ok(pair);
    const before = pair.live.length;
    await pair.send('after the outage');
    await pollUntil(async () => (pair.live.length > before ? true : undefined), 10_000);

    assert.equal(a.child.exitCode, null);
    assert.equal(b.child.exitCode, null);
    assert.doesNotMatch(a.output() + b.output(), /Unhandled|uncaught/i);
    // Sessions live in Postgres: the restarted, empty Redis logged nobody out.
    const me = await gql(b.url, '{ me { id } }', {}, pair.receiverToken);
    assert.equal(me.data?.me.id, pair.receiverId);
  });
});
