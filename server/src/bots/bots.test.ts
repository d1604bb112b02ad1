import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type FakeModelServer, startFakeModelServer } from '../test/fake-model-server';
import { connect, gql, register, subscribe } from '../test/graphql-client';
import { botId, finished, modelEnv, waitForJob } from '../test/jobs-client';
import { type ServerProcess, startServer, startServers, testEnv, uniqueName } from '../test/server-process';
import { waitFor } from '../test/wait-for';

const CONTACTS = 'query($name: String) { contacts(search: $name) { id username isBot online botStatus } }';
const SEND = 'mutation($to: ID!, $body: String!) { sendMessage(toUserId: $to, body: $body) { id job { id } } }';
const HISTORY = 'query($with: ID!) { conversation(withUserId: $with) { messages { body from { username } } } }';

interface Contact {
  id: string;
  username: string;
  isBot: boolean;
  online: boolean;
  botStatus: string | null;
}

async function contact(url: string, token: string, name: string): Promise<Contact | undefined> {
  return (await gql<{ contacts: Contact[] }>(url, CONTACTS, { name }, token)).data?.contacts.find(
    (c) => c.username === name,
  );
}

async function writeBotsFile(bots: unknown): Promise<string> {
  const file = path.join(await mkdtemp(path.join(tmpdir(), 'parley-bots-')), 'bots.json');
  await writeFile(file, JSON.stringify(bots));
  return file;
}

describe('bots as contacts', () => {
  let fake: FakeModelServer;
  let server: ServerProcess;
  const local = `Local_${uniqueName('llm').slice(-8)}`;
  const plain = `Plain_${uniqueName('bot').slice(-8)}`;
  before(async () => {
    fake = await startFakeModelServer();
    const botsFile = await writeBotsFile([
      {
        name: local,
        kind: 'openai',
        baseUrl: fake.baseUrl,
        model: 'llama3',
        apiKeyEnv: 'LOCAL_LLM_KEY',
        systemPrompt: 'You are terse.',
        maxTokens: 64,
        temperature: 0.2,
      },
      { name: plain, kind: 'http', url: `${fake.url}/bot`, healthUrl: `${fake.url}/health` },
    ]);
    server = await startServer(
      testEnv('redis', { ...modelEnv(fake), BOTS_FILE: botsFile, LOCAL_LLM_KEY: 'local-key' }),
    );
  });
  after(async () => {
    await server.stop();
    await fake.close();
  });

  test('ChatGPT and the BOTS_FILE bots are online contacts while their endpoints answer', async () => {
    const user = await register(server.url, uniqueName('u'));
    // Each endpoint must have been asked: a bot that is shown online without a check proves nothing.
    const checked = (authorization: string | undefined, path: RegExp) =>
      fake.healthChecks.some((c) => c.authorization === authorization && path.test(c.path)) || undefined;
    await waitFor(() => checked('Bearer test-key', /\/models$/));
    await waitFor(() => checked('Bearer local-key', /\/models$/));
    await waitFor(() => checked(undefined, /^\/health$/));
    for (const name of ['ChatGPT', local, plain]) {
      const bot = await contact(server.url, user.token, name);
      assert.equal(bot?.isBot, true, name);
      assert.equal(bot?.online, true, name);
      assert.equal(bot?.botStatus, 'Ready.');
    }
    assert.equal((await contact(server.url, user.token, 'alice'))?.botStatus ?? null, null);
  });

  test('a bot whose health check fails goes offline live, with the reason, and comes back', async () => {
    const user = await register(server.url, uniqueName('watch'));
    const socket = connect(server.wsUrl, user.token);
    const events = subscribe<{ presenceChanged: { online: boolean; user: { username: string } } }>(
      socket,
      'subscription { presenceChanged { online user { username } } }',
    );
    await socket.connected;
    fake.setHealthy(false);
    try {
      await events.next((e) => e.presenceChanged.user.username === 'ChatGPT' && !e.presenceChanged.online);
      const bot = await contact(server.url, user.token, 'ChatGPT');
      assert.equal(bot?.online, false);
      assert.match(bot?.botStatus ?? '', /failed|reach/);
    } finally {
      fake.setHealthy(true);
    }
    await events.next((e) => e.presenceChanged.user.username === 'ChatGPT' && e.presenceChanged.online);
    socket.client.dispose();
  });

  test('an OpenAI-compatible bot gets its model, system prompt, token limit and the conversation', async () => {
    const user = await register(server.url, uniqueName('local'));
    const bot = await botId(server.url, user.token, local);
    const sent = await gql(server.url, SEND, { to: bot, body: 'hi llama' }, user.token);
    const done = await waitForJob(server.url, user.token, sent.data?.sendMessage.job.id, finished);
    assert.equal(done.text, 'Echo: hi llama [system: You are terse.] [turns: 2]');
    const request = fake.requests.find((r) => r.model === 'llama3');
    assert.equal(request?.max_tokens, 64);
    assert.deepEqual(request?.messages[0], { role: 'system', content: 'You are terse.' });
  });

  test('a plain HTTP bot answers through the same queue', async () => {
    const user = await register(server.url, uniqueName('plain'));
    const bot = await botId(server.url, user.token, plain);
    const sent = await gql(server.url, SEND, { to: bot, body: 'ping' }, user.token);
    await waitForJob(server.url, user.token, sent.data?.sendMessage.job.id, finished);
    const history = (await gql(server.url, HISTORY, { with: bot }, user.token)).data?.conversation.messages;
    assert.deepEqual(history.at(-1), { body: 'Bot heard: ping (1 turns)', from: { username: plain } });
  });
});

describe('bot configuration', () => {
  test('without OPENAI_API_KEY, ChatGPT (known from before) is offline with the reason, and cannot answer', async () => {
    const server = await startServer(testEnv('redis', { JOB_BACKOFF_MS: '50' }));
    try {
      const user = await register(server.url, uniqueName('nokey'));
      const bot = await contact(server.url, user.token, 'ChatGPT');
      assert.ok(bot, 'ChatGPT was created by an earlier server in this database');
      assert.equal(bot.online, false);
      assert.equal(bot.botStatus, 'Not configured on this server.');
      const sent = await gql(server.url, SEND, { to: bot.id, body: 'anyone?' }, user.token);
      const done = await waitForJob(server.url, user.token, sent.data?.sendMessage.job.id, finished);
      assert.equal(done.state, 'FAILED');
      assert.equal(done.error?.code, 'BOT_UNAVAILABLE');
    } finally {
      await server.stop();
    }
  });

  test('processes starting together with new bots all start, and each bot is one user', async () => {
    const names = Array.from({ length: 6 }, (_, i) => `Crowd${i}_${uniqueName('bot').slice(-8)}`);
    const botsFile = await writeBotsFile(names.map((name) => ({ name, kind: 'http', url: 'http://127.0.0.1:9/bot' })));
    const env = testEnv('redis', { BOTS_FILE: botsFile, BOT_HEALTH_INTERVAL_SECONDS: '3600' });
    // One failing to start fails the test (it used to be a unique-key violation on the bot's name).
    const servers = await startServers([env, env, env]);
    try {
      const user = await register(servers[0]!.url, uniqueName('crowd'));
      for (const name of names) {
        const found = await gql<{ contacts: Contact[] }>(servers[2]!.url, CONTACTS, { name }, user.token);
        assert.equal(found.data?.contacts.filter((c) => c.username === name).length, 1, name);
      }
    } finally {
      await Promise.all(servers.map((server) => server.stop()));
    }
  });

  test('a bad BOTS_FILE stops start-up with one line naming the file and the field', async () => {
    const main = path.resolve(__dirname, '../main.js');
    const cases: [unknown, RegExp][] = [
      [[{ name: 'x', kind: 'openai', model: 'm' }], /0\.name/],
      [[{ name: 'Valid', kind: 'carrier-pigeon' }], /0\.kind/],
      [[{ name: 'Valid', kind: 'openai', model: 'm', apiKeyEnv: 'UNSET_KEY_VAR' }], /UNSET_KEY_VAR is not set/],
    ];
    for (const [bots, expected] of cases) {
      const file = await writeBotsFile(bots);
      const result = spawnSync(process.execPath, [main], {
        env: { PATH: process.env.PATH ?? '', ...testEnv('redis', { BOTS_FILE: file }) },
        encoding: 'utf8',
        timeout: 20_000,
      });
      assert.equal(result.status, 1);
      const lines = result.stderr.trim().split('\n');
      assert.equal(lines.length, 1, result.stderr);
      assert.match(lines[0] ?? '', new RegExp(`^BOTS_FILE ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: `));
      assert.match(lines[0] ?? '', expected);
    }
  });
});
