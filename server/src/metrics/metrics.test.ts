import assert from 'node:assert/strict';
import { networkInterfaces } from 'node:os';
import { after, before, describe, test } from 'node:test';
import { type FakeModelServer, startFakeModelServer } from '../test/fake-model-server';
import { connect, gql, register, subscribe } from '../test/graphql-client';
import { finished, modelEnv, submitChat, waitForJob } from '../test/jobs-client';
import { labelValues, sample, scrape } from '../test/metrics-client';
import { type ServerMode, startServer, testEnv, uniqueName } from '../test/server-process';

const SEND = 'mutation SendOne($to: ID!, $body: String!) { sendMessage(toUserId: $to, body: $body) { id } }';

/** Polls the scrape until `check` holds, for at most `ms`. */
async function scrapeUntil(url: string, check: (text: string) => boolean, ms = 10_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const { text } = await scrape(url);
    if (check(text)) return text;
    if (Date.now() > deadline) throw new Error(`metrics never matched:\n${text.slice(0, 4000)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('GET /metrics', () => {
  let fake: FakeModelServer;
  before(async () => {
    fake = await startFakeModelServer();
  });
  after(() => fake.close());

  for (const mode of ['redis', 'single-node'] as ServerMode[]) {
    test(`${mode}: scrape, work, scrape again: every counter moved by exactly the work done`, async () => {
      // Its own Redis prefix: no other test's worker may take this server's job.
      const server = await startServer(testEnv(mode, modelEnv(fake, { REDIS_PREFIX: uniqueName('metrics') })));
      try {
        const first = await scrape(server.url);
        assert.equal(first.status, 200);
        assert.match(first.type, /^text\/plain/);
        assert.ok(sample(first.text, 'process_cpu_user_seconds_total') >= 0, 'Node default metrics');
        assert.equal(sample(first.text, 'parley_messages_sent_total'), 0);
        assert.equal(sample(first.text, 'parley_websocket_connections'), 0);

        const alice = await register(server.url, uniqueName('m_alice'));
        const bob = await register(server.url, uniqueName('m_bob'));
        const socket = connect(server.wsUrl, bob.token);
        await socket.connected;
        const inbox = subscribe(socket, 'subscription Inbox { messageReceived { id } }');
        // The gauge is the public sign that the subscription is live.
        await scrapeUntil(server.url, (t) => sample(t, 'parley_active_subscriptions') === 1);

        for (let i = 0; i < 3; i++) {
          const sent = await gql(server.url, SEND, { to: bob.user.id, body: `hello ${i}` }, alice.token);
          assert.equal(sent.errors, undefined);
        }
        await inbox.next(() => inbox.events.length >= 3);
        const job = await submitChat(server.url, alice.token, {
          messages: [{ role: 'user', content: `hi ${mode} [fail:1:500]` }],
        });
        const done = await waitForJob(server.url, alice.token, job.data?.submitChat.id as string, finished);
        assert.equal(done.state, 'COMPLETED');

        const text = await scrapeUntil(
          server.url,
          (t) => sample(t, 'parley_job_duration_seconds_count', { outcome: 'completed' }) === 1,
        );
        assert.equal(sample(text, 'parley_messages_sent_total'), 3);
        assert.equal(sample(text, 'parley_websocket_connections'), 1);
        assert.equal(sample(text, 'parley_active_subscriptions'), 1);
        assert.equal(
          sample(text, 'parley_graphql_operation_duration_seconds_count', {
            operation: 'SendOne',
            transport: 'http',
            type: 'mutation',
            outcome: 'ok',
          }),
          3,
        );
        assert.equal(sample(text, 'parley_job_duration_seconds_count', { outcome: 'retried' }), 1);
        assert.equal(sample(text, 'parley_job_failures_total', { code: 'MODEL_UNAVAILABLE', last: 'false' }), 1);
        assert.ok(sample(text, 'parley_model_tokens_total', { kind: 'completion' }) > 0);
        assert.ok(sample(text, 'parley_model_tokens_total', { kind: 'prompt' }) > 0);
        assert.equal(sample(text, 'parley_queue_jobs', { state: 'active' }), 0);
        assert.equal(sample(text, 'parley_queue_jobs', { state: 'waiting' }), 0);

        inbox.dispose();
        await scrapeUntil(server.url, (t) => sample(t, 'parley_active_subscriptions') === 0);
        await socket.client.dispose();
        const end = await scrapeUntil(server.url, (t) => sample(t, 'parley_websocket_connections') === 0);
        assert.equal(
          sample(end, 'parley_graphql_operation_duration_seconds_count', {
            operation: 'Inbox',
            transport: 'ws',
            type: 'subscription',
          }),
          1,
        );
      } finally {
        await server.stop();
      }
    });
  }

  test('queue depth counts jobs waiting for a worker', async () => {
    // An API without a worker: jobs wait in the (shared) queue.
    const server = await startServer(
      testEnv('redis', modelEnv(fake, { ROLE: 'api', REDIS_PREFIX: uniqueName('depth') })),
    );
    try {
      const user = await register(server.url, uniqueName('m_depth'));
      for (let i = 0; i < 2; i++)
        assert.equal(
          (await submitChat(server.url, user.token, { messages: [{ role: 'user', content: `wait ${i}` }] })).errors,
          undefined,
        );
      await scrapeUntil(server.url, (t) => sample(t, 'parley_queue_jobs', { state: 'waiting' }) === 2);
    } finally {
      await server.stop();
    }
  });

  test('METRICS_TOKEN: no token or a forged one is refused; the right bearer token reads', async () => {
    const token = 'metrics-token-0123456789abcdef';
    const server = await startServer(testEnv('single-node', { METRICS_TOKEN: token }));
    try {
      const none = await scrape(server.url);
      assert.equal(none.status, 401);
      assert.equal(JSON.parse(none.text).errors[0].extensions.code, 'UNAUTHENTICATED');
      for (const forged of [`${token}x`, token.slice(0, -1), token.toUpperCase(), ''])
        assert.equal((await scrape(server.url, { authorization: `Bearer ${forged}` })).status, 401, forged);
      assert.equal((await scrape(server.url, { authorization: token })).status, 401, 'no Bearer scheme');
      const ok = await scrape(server.url, { authorization: `Bearer ${token}` });
      assert.equal(ok.status, 200);
      assert.match(ok.text, /parley_messages_sent_total/);
    } finally {
      await server.stop();
    }
  });

  test('without METRICS_TOKEN, a non-loopback peer is refused even with a forged X-Forwarded-For', async (t) => {
    const external = Object.values(networkInterfaces())
      .flat()
      .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;
    if (!external) return t.skip('this machine has no non-loopback IPv4 address');
    const server = await startServer(testEnv('single-node', { HOST: '0.0.0.0', TRUST_PROXY: '1' }));
    try {
      const port = new URL(server.url).port;
      const res = await fetch(`http://${external}:${port}/metrics`, { headers: { 'x-forwarded-for': '127.0.0.1' } });
      assert.equal(res.status, 403);
      assert.equal(
        ((await res.json()) as { errors: { extensions: { code: string } }[] }).errors[0]?.extensions.code,
        'FORBIDDEN',
      );
      assert.equal((await fetch(`http://127.0.0.1:${port}/metrics`)).status, 200);
    } finally {
      await server.stop();
    }
  });

  test('made-up operation names cannot grow the registry without bound', async () => {
    const server = await startServer(testEnv('single-node'));
    try {
      await Promise.all(Array.from({ length: 260 }, (_, i) => gql(server.url, `query Made_up_${i} { __typename }`)));
      const text = await scrapeUntil(server.url, (t) =>
        labelValues(t, 'parley_graphql_operation_duration_seconds_count', 'operation').has('other'),
      );
      const names = labelValues(text, 'parley_graphql_operation_duration_seconds_count', 'operation');
      assert.ok(names.size <= 201, `${names.size} operation labels`);
      assert.equal(sample(text, 'parley_graphql_operation_duration_seconds_count', { type: 'query' }), 260);
    } finally {
      await server.stop();
    }
  });
});
