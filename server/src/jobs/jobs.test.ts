import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type FakeModelServer, startFakeModelServer } from '../test/fake-model-server';
import { codeOf, connect, gql, register, subscribe } from '../test/graphql-client';
import {
  botId,
  finished,
  JOB_FIELDS,
  type Job,
  jobStatus,
  modelEnv,
  submitChat,
  waitForJob,
} from '../test/jobs-client';
import { type ServerMode, type ServerProcess, startServer, testEnv, uniqueName } from '../test/server-process';
import { pollUntil } from '../test/wait-for';

const SEND = 'mutation($to: ID!, $body: String!) { sendMessage(toUserId: $to, body: $body) { id job { id state } } }';
const HISTORY =
  'query($with: ID!) { conversation(withUserId: $with) { messages { id body from { username } job { id state } } } }';
// A real 1x1 PNG: images are checked by their bytes.
const PNG =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

// The same job behaviour with BullMQ (Redis) and with the in-process runner (single-node mode).
for (const mode of ['redis', 'single-node'] as ServerMode[]) {
  describe(`model calls (${mode})`, () => {
    let fake: FakeModelServer;
    let server: ServerProcess;
    let alice: Awaited<ReturnType<typeof register>>;
    before(async () => {
      fake = await startFakeModelServer();
      server = await startServer(testEnv(mode, modelEnv(fake, { GPT_TOKEN_LIMIT: '500', MODEL_TIMEOUT_SECONDS: '2' })));
      alice = await register(server.url, uniqueName('alice'));
    });
    after(async () => {
      await server.stop();
      await fake.close();
    });

    test('a message to ChatGPT returns at once; the reply streams over jobUpdated and is stored as its message', async () => {
      const bot = await botId(server.url, alice.token);
      const socket = connect(server.wsUrl, alice.token);
      const inbox = subscribe<{ messageReceived: { id: string; body: string; from: { id: string } } }>(
        socket,
        'subscription { messageReceived { id body from { id } } }',
      );
      await socket.connected;
      const sent = await gql(
        server.url,
        SEND,
        { to: bot, body: 'tell me a story [delay:30] [tokens:12]' },
        alice.token,
      );
      const job = sent.data?.sendMessage.job;
      assert.ok(job, JSON.stringify(sent));
      assert.notEqual(job.state, 'COMPLETED', 'sendMessage does not wait for the model');

      const updates = subscribe<{ jobUpdated: Job }>(
        socket,
        `subscription($id: ID!) { jobUpdated(id: $id) { ${JOB_FIELDS} } }`,
        { id: job.id },
      );
      const done = await updates.next((e) => e.jobUpdated.state === 'COMPLETED');
      const partial = updates.events.filter((e) => e.jobUpdated.state === 'ACTIVE' && e.jobUpdated.text.length > 0);
      assert.ok(partial.length >= 2, `streamed in pieces: ${partial.length} updates`);
      assert.ok(
        partial.every((e) => done.jobUpdated.text.startsWith(e.jobUpdated.text)),
        'each update extends the text',
      );
      assert.equal(done.jobUpdated.text, 't1 t2 t3 t4 t5 t6 t7 t8 t9 t10 t11 t12 ');
      assert.ok(done.jobUpdated.usage, 'usage is reported');

      const reply = await inbox.next((e) => e.messageReceived.from.id === bot);
      assert.equal(reply.messageReceived.id, done.jobUpdated.replyMessageId);
      const history = (await gql(server.url, HISTORY, { with: bot }, alice.token)).data?.conversation.messages;
      assert.deepEqual(
        history.map((m: { from: { username: string } }) => m.from.username),
        [alice.user.username, 'ChatGPT'],
      );
      assert.equal(history[0].job.state, 'COMPLETED');
      assert.equal(history[1].job, null);
      socket.client.dispose();
    });

    test('fast tokens are throttled: subscribers get far fewer updates than tokens, and the full text', async () => {
      const socket = connect(server.wsUrl, alice.token);
      await socket.connected;
      const job = (
        await submitChat(server.url, alice.token, { messages: [{ role: 'user', content: 'burst [tokens:400]' }] })
      ).data?.submitChat;
      const updates = subscribe<{ jobUpdated: Job }>(
        socket,
        `subscription($id: ID!) { jobUpdated(id: $id) { ${JOB_FIELDS} } }`,
        {
          id: job?.id,
        },
      );
      const done = await updates.next((e) => finished(e.jobUpdated));
      assert.equal(done.jobUpdated.text.split(' ').filter(Boolean).length, 400);
      assert.ok(updates.events.length < 100, `${updates.events.length} updates for 400 tokens`);
      socket.client.dispose();
    });

    test('a subscriber that leaves mid-stream disturbs neither the server nor the job', async () => {
      const socket = connect(server.wsUrl, alice.token);
      await socket.connected;
      const job = (
        await submitChat(server.url, alice.token, {
          messages: [{ role: 'user', content: 'bye [tokens:30] [delay:30]' }],
        })
      ).data?.submitChat;
      const updates = subscribe<{ jobUpdated: Job }>(
        socket,
        `subscription($id: ID!) { jobUpdated(id: $id) { ${JOB_FIELDS} } }`,
        {
          id: job?.id,
        },
      );
      await updates.next((e) => e.jobUpdated.state === 'ACTIVE' && e.jobUpdated.text.length > 0);
      socket.client.dispose();
      const done = await waitForJob(server.url, alice.token, job?.id as string, finished);
      assert.equal(done.state, 'COMPLETED');
      assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
    });

    test('the bot sees the conversation so far', async () => {
      const bob = await register(server.url, uniqueName('bob'));
      const bot = await botId(server.url, bob.token);
      for (const body of ['first', 'second']) {
        const sent = await gql(server.url, SEND, { to: bot, body }, bob.token);
        await waitForJob(server.url, bob.token, sent.data?.sendMessage.job.id, finished);
      }
      const history = (await gql(server.url, HISTORY, { with: bot }, bob.token)).data?.conversation.messages;
      assert.deepEqual(
        history.map((m: { body: string }) => m.body),
        ['first', 'Echo: first [turns: 1]', 'second', 'Echo: second [turns: 3]'],
      );
    });

    test('submitChat: QUEUED or ACTIVE at once, ACTIVE with the text so far, then COMPLETED with usage', async () => {
      const submitted = await submitChat(server.url, alice.token, {
        messages: [{ role: 'user', content: 'count [tokens:30] [delay:40]' }],
        maxTokens: 77,
      });
      const job = submitted.data?.submitChat;
      assert.ok(job && ['QUEUED', 'ACTIVE'].includes(job.state), JSON.stringify(submitted));
      const midway = await waitForJob(
        server.url,
        alice.token,
        job.id,
        (j) => j.state === 'ACTIVE' && j.text.length > 0,
      );
      assert.ok(midway.text.startsWith('t1 '));
      const done = await waitForJob(server.url, alice.token, job.id, finished);
      assert.equal(done.state, 'COMPLETED');
      assert.equal(done.text.split(' ').filter(Boolean).length, 30);
      assert.ok(done.text.length > midway.text.length);
      assert.equal(done.model, 'test-model');
      assert.deepEqual(done.usage, { prompt_tokens: 10, completion_tokens: 30, total_tokens: 40 });
      const request = fake.requests.find((r) => JSON.stringify(r.messages).includes('count [tokens:30]'));
      assert.equal(request?.max_tokens, 77);
      assert.equal(request?.stream, true);
    });

    test('images go to the model as image_url parts; bad images and limits are BAD_USER_INPUT', async () => {
      const ok = await submitChat(server.url, alice.token, {
        messages: [
          { role: 'system', content: 'be brief' },
          { role: 'user', content: 'what is this?', images: [PNG] },
        ],
      });
      const done = await waitForJob(server.url, alice.token, ok.data?.submitChat.id as string, finished);
      assert.equal(done.text, 'Echo: what is this? [images: 1 image/png] [system: be brief] [turns: 2]');

      const bad: [Record<string, unknown>, string][] = [
        [{ messages: [] }, 'empty'],
        [{ messages: [{ role: 'wizard', content: 'hi' }] }, 'role'],
        [{ messages: [{ role: 'user', content: 'hi', images: ['https://example.com/cat.png'] }] }, 'not a data URL'],
        [
          { messages: [{ role: 'user', content: 'hi', images: ['data:text/html;base64,PGgxPg=='] }] },
          'not an image type',
        ],
        [
          { messages: [{ role: 'user', content: 'hi', images: [`data:image/png;base64,${'A'.repeat(1_500_000)}`] }] },
          'too big',
        ],
        [{ messages: [{ role: 'user', content: 'hi' }], maxTokens: 501 }, 'over GPT_TOKEN_LIMIT'],
        [{ messages: [{ role: 'user', content: 'hi' }], maxTokens: 0 }, 'zero tokens'],
      ];
      const before = fake.requests.length;
      for (const [input, why] of bad)
        assert.equal(codeOf(await submitChat(server.url, alice.token, input)), 'BAD_USER_INPUT', why);
      assert.equal(fake.requests.length, before, 'nothing reached the model');
    });

    test('transient errors are retried with backoff; a 4xx fails at once; exhausted retries fail with the code', async () => {
      const flaky = await submitChat(server.url, alice.token, {
        messages: [{ role: 'user', content: `flaky ${uniqueName('x')} [fail:2:500]` }],
      });
      const recovered = await waitForJob(server.url, alice.token, flaky.data?.submitChat.id as string, finished);
      assert.equal(recovered.state, 'COMPLETED');
      assert.equal(recovered.attempts, 3);

      const rejected = await submitChat(server.url, alice.token, {
        messages: [{ role: 'user', content: 'bad key [status:401]' }],
      });
      const failed = await waitForJob(server.url, alice.token, rejected.data?.submitChat.id as string, finished);
      assert.equal(failed.state, 'FAILED');
      assert.equal(failed.error?.code, 'MODEL_REJECTED');
      assert.equal(failed.attempts, 1);

      const limited = await submitChat(server.url, alice.token, {
        messages: [{ role: 'user', content: 'busy [status:429]' }],
      });
      const gaveUp = await waitForJob(server.url, alice.token, limited.data?.submitChat.id as string, finished);
      assert.equal(gaveUp.state, 'FAILED');
      assert.equal(gaveUp.error?.code, 'MODEL_RATE_LIMITED');
      assert.equal(gaveUp.attempts, 3);

      const slow = await submitChat(server.url, alice.token, { messages: [{ role: 'user', content: 'hang [hang]' }] });
      const timedOut = await waitForJob(server.url, alice.token, slow.data?.submitChat.id as string, finished, 30_000);
      assert.equal(timedOut.error?.code, 'MODEL_TIMEOUT');

      const stalled = await submitChat(server.url, alice.token, {
        messages: [{ role: 'user', content: 'stall [stall:3]' }],
      });
      const quiet = await waitForJob(server.url, alice.token, stalled.data?.submitChat.id as string, finished, 30_000);
      assert.equal(quiet.error?.code, 'MODEL_TIMEOUT', JSON.stringify(quiet));
      assert.equal(quiet.attempts, 3);

      // A failed job can be run again as a new job.
      const retried = await gql(
        server.url,
        `mutation($id: ID!) { retryChat(id: $id) { ${JOB_FIELDS} } }`,
        { id: failed.id },
        alice.token,
      );
      assert.notEqual(retried.data?.retryChat.id, failed.id);
      assert.equal(
        (await waitForJob(server.url, alice.token, retried.data?.retryChat.id, finished)).error?.code,
        'MODEL_REJECTED',
      );
    });

    test('cancelChat stops a reply mid-stream and keeps what was said so far as the bot message', async () => {
      const carol = await register(server.url, uniqueName('carol'));
      const bot = await botId(server.url, carol.token);
      const abandonedBefore = fake.abandoned();
      const sent = await gql(server.url, SEND, { to: bot, body: 'long one [tokens:200] [delay:30]' }, carol.token);
      const jobId = sent.data?.sendMessage.job.id;
      await waitForJob(server.url, carol.token, jobId, (j) => j.state === 'ACTIVE' && j.text.length > 0);
      const socket = connect(server.wsUrl, carol.token);
      const updates = subscribe<{ jobUpdated: Job }>(
        socket,
        `subscription($id: ID!) { jobUpdated(id: $id) { ${JOB_FIELDS} } }`,
        {
          id: jobId,
        },
      );
      await updates.next();
      const canceled = await gql(
        server.url,
        `mutation($id: ID!) { cancelChat(id: $id) { ${JOB_FIELDS} } }`,
        { id: jobId },
        carol.token,
      );
      assert.equal(canceled.data?.cancelChat.state, 'CANCELED');
      // Subscribers hear the end from the worker, with the stored partial reply.
      const end = await updates.next((e) => finished(e.jobUpdated));
      assert.equal(end.jobUpdated.state, 'CANCELED');
      assert.ok(end.jobUpdated.replyMessageId, JSON.stringify(end));
      socket.client.dispose();
      const final = await waitForJob(server.url, carol.token, jobId, (j) => j.replyMessageId !== null);
      assert.equal(final.state, 'CANCELED');
      const history = (await gql(server.url, HISTORY, { with: bot }, carol.token)).data?.conversation.messages;
      const reply = history.find((m: { id: string }) => m.id === final.replyMessageId);
      assert.ok(reply.body.startsWith('t1 ') && reply.body.split(' ').length < 200, reply.body.length);
      // The worker hangs up on the model; after that nothing can complete the job any more.
      await pollUntil(async () => (fake.abandoned() > abandonedBefore ? true : undefined), 10_000);
      assert.equal(
        (await jobStatus(server.url, carol.token, jobId)).data?.jobStatus.state,
        'CANCELED',
        'it stays canceled',
      );
    });

    test('jobs are private, and need a login', async () => {
      const job = (await submitChat(server.url, alice.token, { messages: [{ role: 'user', content: 'mine' }] })).data
        ?.submitChat;
      const eve = await register(server.url, uniqueName('eve'));
      assert.equal(codeOf(await jobStatus(server.url, eve.token, job?.id as string)), 'NOT_FOUND');
      assert.equal(
        codeOf(await gql(server.url, 'mutation($id: ID!) { cancelChat(id: $id) { id } }', { id: job?.id }, eve.token)),
        'NOT_FOUND',
      );
      assert.equal(
        codeOf(await submitChat(server.url, '', { messages: [{ role: 'user', content: 'free ride?' }] })),
        'UNAUTHENTICATED',
      );
      assert.equal(codeOf(await jobStatus(server.url, alice.token, 'not-an-id')), 'BAD_USER_INPUT');
    });
  });
}

for (const mode of ['redis', 'single-node'] as ServerMode[]) {
  describe(`job results (${mode})`, () => {
    test('stay readable for JOB_RESULT_TTL_SECONDS, then are gone; the bot reply stays in the conversation', async () => {
      const fake = await startFakeModelServer();
      const server = await startServer(testEnv(mode, modelEnv(fake, { JOB_RESULT_TTL_SECONDS: '2' })));
      try {
        const user = await register(server.url, uniqueName('ttl'));
        const bot = await botId(server.url, user.token);
        const sent = await gql(server.url, SEND, { to: bot, body: 'remember me' }, user.token);
        const jobId = sent.data?.sendMessage.job.id;
        assert.equal((await waitForJob(server.url, user.token, jobId, finished)).state, 'COMPLETED');
        await pollUntil(
          async () => (codeOf(await jobStatus(server.url, user.token, jobId)) === 'NOT_FOUND' ? true : undefined),
          15_000,
        );
        const history = (await gql(server.url, HISTORY, { with: bot }, user.token)).data?.conversation.messages;
        assert.deepEqual(
          history.map((m: { body: string }) => m.body),
          ['remember me', 'Echo: remember me [turns: 1]'],
        );
      } finally {
        await server.stop();
        await fake.close();
      }
    });
  });
}

for (const mode of ['redis', 'single-node'] as ServerMode[]) {
  describe(`limits on model calls (${mode})`, () => {
    let fake: FakeModelServer;
    let server: ServerProcess;
    before(async () => {
      fake = await startFakeModelServer();
      server = await startServer(
        testEnv(
          mode,
          modelEnv(fake, {
            CHAT_RATE_PER_MINUTE: '3',
            CHAT_MAX_CONCURRENT: '1',
            ALLOWED_MODELS: 'test-model,other-model',
          }),
        ),
      );
    });
    after(async () => {
      await server.stop();
      await fake.close();
    });

    test('per-user concurrency and rate limits answer RATE_LIMITED; other users are unaffected', async () => {
      const dan = await register(server.url, uniqueName('dan'));
      const slow = await submitChat(server.url, dan.token, {
        messages: [{ role: 'user', content: 'slow [tokens:20] [delay:50]' }],
      });
      assert.ok(slow.data?.submitChat.id);
      assert.equal(
        codeOf(await submitChat(server.url, dan.token, { messages: [{ role: 'user', content: 'another' }] })),
        'RATE_LIMITED',
      );
      // A message to a bot is refused before it is stored.
      const bot = await botId(server.url, dan.token);
      assert.equal(codeOf(await gql(server.url, SEND, { to: bot, body: 'hello?' }, dan.token)), 'RATE_LIMITED');
      assert.deepEqual((await gql(server.url, HISTORY, { with: bot }, dan.token)).data?.conversation.messages, []);
      await waitForJob(server.url, dan.token, slow.data?.submitChat.id as string, finished);
      // Calls refused for concurrency did not use up the rate: two more fit in the minute, then no more.
      for (const content of ['second', 'third']) {
        const job = (await submitChat(server.url, dan.token, { messages: [{ role: 'user', content }] })).data
          ?.submitChat;
        assert.ok(job?.id, content);
        await waitForJob(server.url, dan.token, job.id, finished);
      }
      const limited = await submitChat(server.url, dan.token, { messages: [{ role: 'user', content: 'fourth' }] });
      assert.equal(codeOf(limited), 'RATE_LIMITED');
      assert.ok(Number(limited.errors?.[0]?.extensions?.retryAfterSeconds) > 0);
      const erin = await register(server.url, uniqueName('erin'));
      assert.ok(
        (await submitChat(server.url, erin.token, { messages: [{ role: 'user', content: 'mine' }] })).data?.submitChat
          .id,
      );
    });

    test('ALLOWED_MODELS restricts the model', async () => {
      const fay = await register(server.url, uniqueName('fay'));
      assert.equal(
        codeOf(
          await submitChat(server.url, fay.token, { messages: [{ role: 'user', content: 'hi' }], model: 'gpt-5-pro' }),
        ),
        'BAD_USER_INPUT',
      );
      const ok = await submitChat(server.url, fay.token, {
        messages: [{ role: 'user', content: 'hi' }],
        model: 'other-model',
      });
      assert.equal(
        (await waitForJob(server.url, fay.token, ok.data?.submitChat.id as string, finished)).model,
        'other-model',
      );
    });
  });
}
