import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type FakeModelServer, startFakeModelServer } from '../test/fake-model-server';
import { codeOf, gql, register } from '../test/graphql-client';
import { modelEnv } from '../test/jobs-client';
import { type ServerProcess, startServer, testEnv, uniqueName } from '../test/server-process';

const REGISTER = 'mutation($u: String!) { register(username: $u, password: "long-enough-password") { token } }';
const LOGIN = 'mutation($u: String!, $p: String!) { login(username: $u, password: $p) { user { id username } } }';

describe('usernames are unique whatever their case, and bot names are reserved', () => {
  let server: ServerProcess;
  before(async () => {
    // No OPENAI_API_KEY: the ChatGPT bot is not configured, and its name is still reserved.
    server = await startServer(testEnv('single-node'));
  });
  after(() => server.stop());

  test('Alice cannot be registered beside alice, nor ADMIN_x beside admin_x; login accepts any case', async () => {
    const alice = uniqueName('alice');
    const admin = uniqueName('admin');
    const { user } = await register(server.url, alice);
    await register(server.url, admin);
    for (const taken of [alice.toUpperCase(), `${alice[0]?.toUpperCase()}${alice.slice(1)}`, admin.toUpperCase()]) {
      const res = await gql(server.url, REGISTER, { u: taken });
      assert.equal(codeOf(res), 'BAD_USER_INPUT', taken);
      assert.equal(res.errors?.[0]?.extensions?.field, 'username');
    }
    const login = await gql(server.url, LOGIN, { u: alice.toUpperCase(), p: 'correct-horse' });
    assert.deepEqual(login.data?.login.user, { id: user.id, username: alice });
  });

  test('the bot names ChatGPT, chatgpt and CHATGPT cannot be registered, even with no bot configured', async () => {
    for (const name of ['ChatGPT', 'chatgpt', 'CHATGPT', ' chatGPT ']) {
      assert.equal(codeOf(await gql(server.url, REGISTER, { u: name })), 'BAD_USER_INPUT', name);
    }
  });

  test('20 concurrent registrations of one name in different cases create one account', async () => {
    const base = uniqueName('race');
    const variants = Array.from({ length: 20 }, (_, i) =>
      [...base].map((c, j) => ((i >> (j % 5)) & 1 ? c.toUpperCase() : c)).join(''),
    );
    const results = await Promise.all(variants.map((u) => gql(server.url, REGISTER, { u })));
    assert.equal(results.filter((r) => r.data?.register?.token).length, 1);
    assert.ok(results.every((r) => r.data?.register?.token || codeOf(r) === 'BAD_USER_INPUT'));
  });
});

describe('a bot configured under a name a person holds', () => {
  let fake: FakeModelServer;
  before(async () => {
    fake = await startFakeModelServer();
  });
  after(() => fake.close());

  test('stops start-up with one line naming the bot and the clashing user', async () => {
    const holder = await startServer(testEnv('single-node'));
    const person = uniqueName('helper');
    try {
      await register(holder.url, person);
    } finally {
      await holder.stop();
    }
    const dir = await mkdtemp(path.join(tmpdir(), 'parley-bots-'));
    const botsFile = path.join(dir, 'bots.json');
    const botName = person.toUpperCase();
    await writeFile(botsFile, JSON.stringify([{ name: botName, kind: 'openai', model: 'test-model' }]));
    const started = startServer(testEnv('redis', { ...modelEnv(fake), BOTS_FILE: botsFile }));
    await assert.rejects(started, (error: Error) => {
      assert.match(error.message, /server exited with 1/);
      const line = error.message.split('\n').find((l) => l.includes(`The bot ${botName} cannot start`));
      assert.ok(line, error.message);
      assert.match(line, new RegExp(`the user ${person} already has that name`));
      assert.doesNotMatch(error.message, /\n\s+at /, 'no stack trace');
      return true;
    });
  });
});
