import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type FakeModelServer, startFakeModelServer } from '../test/fake-model-server';
import { codeOf, gql, register } from '../test/graphql-client';
import { botId, finished, JOB_FIELDS, modelEnv, waitForJob } from '../test/jobs-client';
import { type ServerMode, type ServerProcess, startServer, testEnv, uniqueName } from '../test/server-process';

const SEND = 'mutation($to: ID!, $body: String!) { sendMessage(toUserId: $to, body: $body) { id job { id } } }';
const HISTORY =
  'query($with: ID!) { conversation(withUserId: $with, limit: 200) { messages { id body stopped from { id } } } }';
const REGENERATE = `mutation($id: ID!) { regenerateReply(messageId: $id) { ${JOB_FIELDS} } }`;
const CANCEL = 'mutation($id: ID!) { cancelChat(id: $id) { id } }';
const MAX_CONCURRENT = 2;

for (const mode of ['redis', 'single-node'] as ServerMode[]) {
  describe(`stopped replies and regenerate (${mode})`, () => {
    let fake: FakeModelServer;
    let server: ServerProcess;
    before(async () => {
      fake = await startFakeModelServer();
      server = await startServer(testEnv(mode, modelEnv(fake, { CHAT_MAX_CONCURRENT: String(MAX_CONCURRENT) })));
    });
    after(async () => {
      await server.stop();
      await fake.close();
    });

    test('a stopped reply is stored marked as stopped; regenerate answers the same message again', async () => {
      const alice = await register(server.url, uniqueName('alice'));
      const bot = await botId(server.url, alice.token);
      const sent = await gql(server.url, SEND, { to: bot, body: 'long [tokens:200] [delay:30]' }, alice.token);
      const jobId = sent.data?.sendMessage.job.id;
      await waitForJob(server.url, alice.token, jobId, (j) => j.state === 'ACTIVE' && j.text.length > 0);
      await gql(server.url, CANCEL, { id: jobId }, alice.token);
      const stopped = await waitForJob(server.url, alice.token, jobId, (j) => j.replyMessageId !== null);
      const history = (await gql(server.url, HISTORY, { with: bot }, alice.token)).data?.conversation.messages;
      const reply = history.find((m: { id: string }) => m.id === stopped.replyMessageId);
      assert.equal(reply.stopped, true);

      const again = await gql(server.url, REGENERATE, { id: reply.id }, alice.token);
      const job = again.data?.regenerateReply;
      assert.ok(job?.id, JSON.stringify(again.errors));
      const done = await waitForJob(server.url, alice.token, job.id, finished);
      assert.equal(done.state, 'COMPLETED');
      const after = (await gql(server.url, HISTORY, { with: bot }, alice.token)).data?.conversation.messages;
      const fresh = after.find((m: { id: string }) => m.id === done.replyMessageId);
      assert.equal(fresh.stopped, false);
      assert.match(fresh.body, /^t1 /);
      // The latest job of my message is the new one.
      const mine = await gql(
        server.url,
        'query($with: ID!) { conversation(withUserId: $with) { messages { id job { id } } } }',
        { with: bot },
        alice.token,
      );
      const trigger = mine.data?.conversation.messages.find((m: { id: string }) => m.id === sent.data?.sendMessage.id);
      assert.equal(trigger.job.id, job.id);
    });

    test('only my own bot replies: another person’s, a person’s message and made-up ids are NOT_FOUND', async () => {
      const alice = await register(server.url, uniqueName('alice'));
      const eve = await register(server.url, uniqueName('eve'));
      const bot = await botId(server.url, alice.token);
      const sent = await gql(server.url, SEND, { to: bot, body: 'hello' }, alice.token);
      const done = await waitForJob(
        server.url,
        alice.token,
        sent.data?.sendMessage.job.id,
        (j) => j.replyMessageId !== null,
      );
      assert.equal(codeOf(await gql(server.url, REGENERATE, { id: done.replyMessageId }, eve.token)), 'NOT_FOUND');
      assert.equal(
        codeOf(await gql(server.url, REGENERATE, { id: sent.data?.sendMessage.id }, eve.token)),
        'NOT_FOUND',
      );
      const toPerson = await gql(server.url, SEND, { to: eve.user.id, body: 'hi eve' }, alice.token);
      assert.equal(
        codeOf(await gql(server.url, REGENERATE, { id: toPerson.data?.sendMessage.id }, eve.token)),
        'NOT_FOUND',
      );
      assert.equal(
        codeOf(await gql(server.url, REGENERATE, { id: '00000000-0000-4000-8000-000000000000' }, alice.token)),
        'NOT_FOUND',
      );
      assert.equal(
        codeOf(await gql(server.url, REGENERATE, { id: 'x'.repeat(1_000_000) }, alice.token)),
        'BAD_USER_INPUT',
      );
    });

    test('40 concurrent regenerates count against the same limits: exactly CHAT_MAX_CONCURRENT jobs start', async () => {
      const alice = await register(server.url, uniqueName('alice'));
      const bot = await botId(server.url, alice.token);
      // A slow message whose own reply is stopped at once: every new reply to it is slow too, so none frees
      // its place during the burst.
      const sent = await gql(server.url, SEND, { to: bot, body: 'slow [tokens:40] [delay:200]' }, alice.token);
      await gql(server.url, CANCEL, { id: sent.data?.sendMessage.job.id }, alice.token);
      await waitForJob(server.url, alice.token, sent.data?.sendMessage.job.id, finished);
      const results = await Promise.all(
        Array.from({ length: 40 }, () => gql(server.url, REGENERATE, { id: sent.data?.sendMessage.id }, alice.token)),
      );
      const started = results.filter((r) => r.data?.regenerateReply?.id);
      assert.equal(started.length, MAX_CONCURRENT, JSON.stringify(results.find((r) => r.errors)?.errors));
      assert.ok(results.every((r) => r.data?.regenerateReply?.id || codeOf(r) === 'RATE_LIMITED'));
    });
  });
}
