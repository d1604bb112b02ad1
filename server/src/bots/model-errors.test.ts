import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type FakeModelServer, startFakeModelServer } from '../test/fake-model-server';
import { gql, register } from '../test/graphql-client';
import { botId, finished, modelEnv, submitChat, waitForJob } from '../test/jobs-client';
import { type ServerProcess, startServer, testEnv, uniqueName } from '../test/server-process';
import { waitFor } from '../test/wait-for';

// What an upstream may put in an error body: internals that are nobody's business but the operator's.
const LEAK = 'Traceback (most recent call last): /srv/bot/internal.py line 42, api_key=sk-LEAKED-4242';

describe("a bot's upstream error body goes to the log, never to the user", () => {
  let fake: FakeModelServer;
  let leaky: Server;
  let server: ServerProcess;
  const bot = `Leaky_${uniqueName('bot').slice(-8)}`;
  before(async () => {
    fake = await startFakeModelServer();
    leaky = createServer((_req, res) => {
      res.writeHead(400, { 'content-type': 'text/plain' });
      res.end(LEAK);
    });
    await new Promise<void>((resolve) => leaky.listen(0, '127.0.0.1', resolve));
    const botsFile = path.join(await mkdtemp(path.join(tmpdir(), 'parley-bots-')), 'bots.json');
    const url = `http://127.0.0.1:${(leaky.address() as AddressInfo).port}/reply`;
    await writeFile(botsFile, JSON.stringify([{ name: bot, kind: 'http', url }]));
    server = await startServer(testEnv('redis', { ...modelEnv(fake), BOTS_FILE: botsFile }));
  });
  after(async () => {
    await server.stop();
    await fake.close();
    leaky.close();
  });

  test('an http bot answering 400 with internals: the user gets MODEL_REJECTED and a plain sentence', async () => {
    const { token } = await register(server.url, uniqueName('leak'));
    const sent = await gql<{ sendMessage: { job: { id: string } } }>(
      server.url,
      'mutation($to: ID!) { sendMessage(toUserId: $to, body: "hello") { job { id } } }',
      { to: await botId(server.url, token, bot) },
      token,
    );
    const jobId = sent.data?.sendMessage.job.id ?? '';
    const job = await waitForJob(server.url, token, jobId, finished);
    assert.equal(job.state, 'FAILED');
    assert.deepEqual(job.error, { code: 'MODEL_REJECTED', message: 'The model refused the request (400).' });
    // Log lines are written in batches (up to 100 ms later): wait for it, bounded.
    await waitFor(() => (server.output().includes('sk-LEAKED-4242') ? true : undefined), 3000);
  });

  test('an OpenAI-compatible model answering 400: the same, and its error text stays in the log', async () => {
    const { token } = await register(server.url, uniqueName('leak'));
    const submitted = await submitChat(server.url, token, { messages: [{ role: 'user', content: 'hi [status:400]' }] });
    const job = await waitForJob(server.url, token, submitted.data?.submitChat.id ?? '', finished);
    assert.deepEqual(job.error, { code: 'MODEL_REJECTED', message: 'The model refused the request (400).' });
    await waitFor(() => (server.output().includes('fake failure 400') ? true : undefined), 3000);
    // Nothing of either body is in any answer the users can read.
    const history = await gql(
      server.url,
      `query($id: ID!) { jobStatus(id: $id) { text error { message } } }`,
      {
        id: job.id,
      },
      token,
    );
    assert.doesNotMatch(JSON.stringify(history), /fake failure|sk-LEAKED|Traceback/);
  });
});
