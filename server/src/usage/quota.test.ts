import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type FakeModelServer, startFakeModelServer } from '../test/fake-model-server';
import { codeOf, gql, register } from '../test/graphql-client';
import { finished, type Job, modelEnv, submitChat, waitForJob } from '../test/jobs-client';
import { type ServerMode, type ServerProcess, startServer, testEnv, uniqueName } from '../test/server-process';
import { newAdmin } from '../test/study-client';

const QUOTA = `query($id: ID!) { chatQuota(userId: $id) { requestsPerDay tokensPerDay overridden requestsToday tokensToday } }`;
const SET = `mutation($id: ID!, $r: Int, $t: Int) {
  setChatQuota(userId: $id, requestsPerDay: $r, tokensPerDay: $t) { requestsPerDay tokensPerDay overridden }
}`;
const REQUESTS = 10;
const burst = (url: string, token: string, n = 50) =>
  Promise.all(
    Array.from({ length: n }, (_, i) =>
      submitChat(url, token, { maxTokens: 16, messages: [{ role: 'user', content: `call ${i}` }] }),
    ),
  );
const refusedByQuota = (res: { errors?: { extensions?: Record<string, unknown> }[] }) =>
  res.errors?.[0]?.extensions?.code === 'RATE_LIMITED' && res.errors?.[0]?.extensions?.reason === 'DAILY_QUOTA';

for (const mode of ['single-node', 'redis'] as ServerMode[]) {
  describe(`daily chat quotas (${mode})`, () => {
    let fake: FakeModelServer;
    let server: ServerProcess;
    let admin: string;
    before(async () => {
      fake = await startFakeModelServer();
      const quotas = JSON.stringify({ USER: { requestsPerDay: REQUESTS } });
      const env = modelEnv(fake, { CHAT_QUOTAS: quotas, CHAT_MAX_CONCURRENT: '100', CHAT_RATE_PER_MINUTE: '1000' });
      server = await startServer(testEnv(mode, env));
      admin = await newAdmin(server.url);
    });
    after(async () => {
      await server.stop();
      await fake.close();
    });

    test(`50 concurrent calls: exactly the role's ${REQUESTS} a day get through, the rest are told why`, async () => {
      const user = await register(server.url, uniqueName('q'));
      const results = await burst(server.url, user.token);
      const accepted = results.filter((r) => r.data?.submitChat);
      assert.equal(accepted.length, REQUESTS);
      assert.ok(results.filter((r) => !r.data?.submitChat).every(refusedByQuota), JSON.stringify(results[49]?.errors));
      const refusal = results.find(refusedByQuota)?.errors?.[0];
      assert.match(refusal?.message ?? '', /00:00 UTC/);
      assert.ok(Number(refusal?.extensions?.retryAfterSeconds) > 0);
      for (const r of accepted) await waitForJob(server.url, user.token, r.data?.submitChat.id as string, finished);
      assert.ok(
        refusedByQuota(await submitChat(server.url, user.token, { messages: [{ role: 'user', content: 'x' }] })),
      );
      const mine = await gql(server.url, '{ myChatQuota { requestsPerDay requestsToday } }', {}, user.token);
      assert.deepEqual(mine.data?.myChatQuota, { requestsPerDay: REQUESTS, requestsToday: REQUESTS });
    });

    test('a per-user token quota holds under 50 concurrent calls: exceeded by at most the one call in flight', async () => {
      const user = await register(server.url, uniqueName('t'));
      const TOKENS = 300;
      const set = await gql(server.url, SET, { id: user.user.id, r: 1000, t: TOKENS }, admin);
      assert.deepEqual(set.data?.setChatQuota, { requestsPerDay: 1000, tokensPerDay: TOKENS, overridden: true });
      const results = await burst(server.url, user.token);
      const accepted = results.filter((r) => r.data?.submitChat);
      assert.ok(accepted.length >= 1 && accepted.length < 50, `${accepted.length} accepted`);
      assert.ok(results.filter((r) => !r.data?.submitChat).every(refusedByQuota));
      const done: Job[] = [];
      for (const r of accepted)
        done.push(await waitForJob(server.url, user.token, r.data?.submitChat.id as string, finished));
      const used = done.map((j) => (j.usage as { total_tokens: number }).total_tokens);
      const total = used.reduce((a, b) => a + b, 0);
      assert.ok(total <= TOKENS + Math.max(...used), `${total} tokens used of ${TOKENS}`);
      const quota = (await gql(server.url, QUOTA, { id: user.user.id }, admin)).data?.chatQuota;
      assert.deepEqual([quota.tokensToday, quota.requestsToday], [total, accepted.length], 'counted as recorded');

      // Back to the role's quota once the override is removed.
      const cleared = await gql(server.url, SET, { id: user.user.id, r: null, t: null }, admin);
      assert.deepEqual(cleared.data?.setChatQuota, { requestsPerDay: REQUESTS, tokensPerDay: null, overridden: false });
    });

    test('only an admin sets quotas, with sane values, for users that exist', async () => {
      const user = await register(server.url, uniqueName('n'));
      assert.equal(codeOf(await gql(server.url, SET, { id: user.user.id, r: 1 }, user.token)), 'FORBIDDEN');
      assert.equal(codeOf(await gql(server.url, QUOTA, { id: user.user.id }, user.token)), 'FORBIDDEN');
      assert.equal(codeOf(await gql(server.url, SET, { id: user.user.id, r: -1 }, admin)), 'BAD_USER_INPUT');
      assert.equal(codeOf(await gql(server.url, SET, { id: 'nope', r: 1 }, admin)), 'BAD_USER_INPUT');
      const made = '00000000-0000-4000-8000-000000000000';
      assert.equal(codeOf(await gql(server.url, SET, { id: made, r: 1 }, admin)), 'NOT_FOUND');
      assert.equal(codeOf(await gql(server.url, '{ usageReport(days: 0) { day } }', {}, admin)), 'BAD_USER_INPUT');
      assert.equal(codeOf(await gql(server.url, '{ usageReport { day } }', {}, user.token)), 'FORBIDDEN');
    });
  });
}

describe('a per-user quota without any role quota (redis)', () => {
  let fake: FakeModelServer;
  let server: ServerProcess;
  let admin: string;
  before(async () => {
    fake = await startFakeModelServer();
    // No CHAT_QUOTAS: calls are admitted in one round trip unless the user has an override.
    const env = modelEnv(fake, { CHAT_MAX_CONCURRENT: '100', CHAT_RATE_PER_MINUTE: '1000' });
    server = await startServer(testEnv('redis', env));
    admin = await newAdmin(server.url);
  });
  after(async () => {
    await server.stop();
    await fake.close();
  });

  test('an override set by an admin holds under 30 concurrent calls; other users stay unlimited', async () => {
    const user = await register(server.url, uniqueName('o'));
    const other = await register(server.url, uniqueName('free'));
    assert.equal((await gql(server.url, SET, { id: user.user.id, r: 4 }, admin)).data?.setChatQuota.requestsPerDay, 4);
    const [limited, free] = await Promise.all([burst(server.url, user.token, 30), burst(server.url, other.token, 30)]);
    assert.equal(limited.filter((r) => r.data?.submitChat).length, 4);
    assert.ok(limited.filter((r) => !r.data?.submitChat).every(refusedByQuota), JSON.stringify(limited[29]?.errors));
    assert.equal(free.filter((r) => r.data?.submitChat).length, 30, JSON.stringify(free.find((r) => r.errors)));
  });
});
