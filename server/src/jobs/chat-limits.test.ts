import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Client } from 'pg';
import { type FakeModelServer, startFakeModelServer } from '../test/fake-model-server';
import { codeOf, gql, register } from '../test/graphql-client';
import { botId, finished, modelEnv, submitChat, waitForJob } from '../test/jobs-client';
import { type ServerMode, type ServerProcess, startServer, testEnv, uniqueName } from '../test/server-process';

const SEND = 'mutation($to: ID!, $body: String!) { sendMessage(toUserId: $to, body: $body) { id } }';
const HISTORY = 'query($with: ID!) { conversation(withUserId: $with, limit: 200) { messages { id } } }';
const MAX_CONCURRENT = 3;
const RATE = 5;
// Slow enough that no call of a burst finishes (and frees a place) before the burst is over.
const SLOW = 'slow [tokens:40] [delay:200]';

async function jobsOf(userId: string): Promise<number> {
  const db = new Client({ connectionString: process.env.TEST_DATABASE_URL });
  await db.connect();
  try {
    const { rows } = await db.query('SELECT count(*)::int AS n FROM "ChatJob" WHERE "userId" = $1', [userId]);
    return rows[0].n;
  } finally {
    await db.end();
  }
}

for (const mode of ['redis', 'single-node'] as ServerMode[]) {
  describe(`model-call limits under concurrency (${mode})`, () => {
    let fake: FakeModelServer;
    let server: ServerProcess;
    before(async () => {
      fake = await startFakeModelServer();
      server = await startServer(
        testEnv(
          mode,
          modelEnv(fake, { CHAT_MAX_CONCURRENT: String(MAX_CONCURRENT), CHAT_RATE_PER_MINUTE: String(RATE) }),
        ),
      );
    });
    after(async () => {
      await server.stop();
      await fake.close();
    });

    test('40 concurrent submitChat calls: exactly CHAT_MAX_CONCURRENT jobs are created', async () => {
      const user = await register(server.url, uniqueName('burst'));
      const results = await Promise.all(
        Array.from({ length: 40 }, () =>
          submitChat(server.url, user.token, { messages: [{ role: 'user', content: SLOW }] }),
        ),
      );
      const accepted = results.filter((r) => r.data?.submitChat?.id);
      assert.equal(accepted.length, MAX_CONCURRENT, JSON.stringify(results.find((r) => !r.data?.submitChat)?.errors));
      assert.ok(results.every((r) => r.data?.submitChat?.id || codeOf(r) === 'RATE_LIMITED'));
      assert.equal(
        results.find((r) => codeOf(r) === 'RATE_LIMITED')?.errors?.[0]?.extensions?.reason,
        'chat-concurrency',
      );
      assert.equal(await jobsOf(user.user.id), MAX_CONCURRENT, 'no job row beyond the limit');
      // Another user has places of their own.
      const other = await register(server.url, uniqueName('other'));
      assert.ok(
        (await submitChat(server.url, other.token, { messages: [{ role: 'user', content: 'hi' }] })).data?.submitChat
          .id,
      );
    });

    test('40 concurrent messages to a bot: exactly CHAT_MAX_CONCURRENT are stored, each with its job', async () => {
      const user = await register(server.url, uniqueName('botburst'));
      const bot = await botId(server.url, user.token);
      const results = await Promise.all(
        Array.from({ length: 40 }, (_, i) => gql(server.url, SEND, { to: bot, body: `${SLOW} ${i}` }, user.token)),
      );
      const stored = results.filter((r) => r.data?.sendMessage?.id);
      assert.equal(stored.length, MAX_CONCURRENT, JSON.stringify(results.find((r) => !r.data?.sendMessage)?.errors));
      assert.ok(results.every((r) => r.data?.sendMessage?.id || codeOf(r) === 'RATE_LIMITED'));
      const history = await gql(server.url, HISTORY, { with: bot }, user.token);
      assert.equal(history.data?.conversation.messages.length, MAX_CONCURRENT, 'refused messages were not stored');
      assert.equal(await jobsOf(user.user.id), MAX_CONCURRENT);
    });

    test('CHAT_RATE_PER_MINUTE: calls beyond the rate are RATE_LIMITED and create no job', async () => {
      const user = await register(server.url, uniqueName('rate'));
      for (let i = 0; i < RATE; i++) {
        const job = (await submitChat(server.url, user.token, { messages: [{ role: 'user', content: `q${i}` }] })).data
          ?.submitChat;
        assert.ok(job?.id, `call ${i + 1}`);
        await waitForJob(server.url, user.token, job.id, finished);
      }
      const limited = await submitChat(server.url, user.token, { messages: [{ role: 'user', content: 'one more' }] });
      assert.equal(codeOf(limited), 'RATE_LIMITED');
      assert.equal(limited.errors?.[0]?.extensions?.reason, 'chat');
      assert.equal(await jobsOf(user.user.id), RATE);
    });

    test('ALLOWED_MODELS unset: only GPT_VERSION may be picked; another model is BAD_USER_INPUT and calls nothing', async () => {
      const user = await register(server.url, uniqueName('models'));
      const before = fake.requests.length;
      for (const model of ['gpt-5-pro', 'TEST-MODEL']) {
        const res = await submitChat(server.url, user.token, { messages: [{ role: 'user', content: 'hi' }], model });
        assert.equal(codeOf(res), 'BAD_USER_INPUT', model);
      }
      assert.equal(await jobsOf(user.user.id), 0);
      const ok = await submitChat(server.url, user.token, {
        messages: [{ role: 'user', content: 'hi' }],
        model: 'test-model',
      });
      const done = await waitForJob(server.url, user.token, ok.data?.submitChat.id as string, finished);
      assert.equal(done.model, 'test-model');
      assert.equal(fake.requests.length, before + 1);
    });
  });
}

describe('ALLOWED_MODELS=*', () => {
  test('allows any model name, as before', async () => {
    const fake = await startFakeModelServer();
    const server = await startServer(testEnv('single-node', modelEnv(fake, { ALLOWED_MODELS: '*' })));
    try {
      const user = await register(server.url, uniqueName('anymodel'));
      const ok = await submitChat(server.url, user.token, {
        messages: [{ role: 'user', content: 'hi' }],
        model: 'x-model',
      });
      assert.equal(
        (await waitForJob(server.url, user.token, ok.data?.submitChat.id as string, finished)).model,
        'x-model',
      );
    } finally {
      await server.stop();
      await fake.close();
    }
  });
});
