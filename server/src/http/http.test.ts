import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { codeOf, connect, gql, register, subscribe } from '../test/graphql-client';
import { type ServerProcess, startServer, testEnv } from '../test/server-process';

describe('the HTTP surface', () => {
  let server: ServerProcess;
  before(async () => {
    server = await startServer(
      testEnv('redis', { MAX_REQUEST_BYTES: '4096', MAX_QUERY_DEPTH: '2', GRAPHQL_INTROSPECTION: 'false' }),
    );
  });
  after(() => server.stop());

  test('/healthz answers while the process lives; /readyz reports Postgres and Redis', async () => {
    assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
    const ready = await fetch(`${server.url}/readyz`);
    assert.equal(ready.status, 200);
    assert.deepEqual(await ready.json(), { ready: true, postgres: true, redis: true });
  });

  test('a browser asking for /graphql gets the bundled IDE; API clients get GraphQL', async () => {
    const page = await fetch(`${server.url}/graphql`, {
      headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' },
    });
    assert.equal(page.status, 200);
    const html = await page.text();
    assert.match(html, /<script[^>]+src="\/assets\//, 'scripts come from this server, not a CDN');
    assert.doesNotMatch(html, /https?:\/\/(unpkg|cdn|esm\.sh)/);
    const api = await fetch(`${server.url}/graphql?query=%7B__typename%7D`, {
      headers: { 'apollo-require-preflight': 'true' },
    });
    assert.deepEqual(await api.json(), { data: { __typename: 'Query' } });
  });

  test('CSRF prevention refuses simple cross-site GETs', async () => {
    const res = await fetch(`${server.url}/graphql?query=%7B__typename%7D`);
    assert.equal(res.status, 400);
  });

  test('malformed, too deep and introspection queries are refused with stable codes', async () => {
    const malformed = await gql(server.url, '{ me { id ');
    assert.equal(codeOf(malformed), 'GRAPHQL_PARSE_FAILED');
    const { token, user } = await register(server.url, `deep_${Date.now()}`);
    const deep = await gql(
      server.url,
      'query($id: ID!) { conversation(withUserId: $id) { messages { from { id } } } }',
      { id: user.id },
      token,
    );
    assert.equal(codeOf(deep), 'GRAPHQL_VALIDATION_FAILED');
    assert.match(deep.errors?.[0]?.message ?? '', /depth/);
    const shallow = await gql(
      server.url,
      'query($id: ID!) { conversation(withUserId: $id) { hasMore } }',
      { id: user.id },
      token,
    );
    assert.equal(shallow.data?.conversation.hasMore, false);
    assert.equal(codeOf(await gql(server.url, '{ __schema { types { name } } }')), 'GRAPHQL_VALIDATION_FAILED');

    // The same limit holds over WebSocket.
    const socket = connect(server.wsUrl, token);
    const allowed = subscribe(socket, 'subscription { presenceChanged { user { id } } }');
    const tooDeep = subscribe(
      socket,
      'query($id: ID!) { conversation(withUserId: $id) { messages { from { id } } } }',
      { id: user.id },
    );
    await socket.connected;
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(allowed.errors.length, 0);
    assert.match(JSON.stringify(tooDeep.errors), /depth/);
    socket.client.dispose();
  });

  test('oversized and non-JSON bodies are refused before GraphQL runs', async () => {
    const big = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }', variables: { pad: 'x'.repeat(5000) } }),
    });
    assert.equal(big.status, 413);
    assert.equal(
      ((await big.json()) as { errors: { extensions: { code: string } }[] }).errors[0]?.extensions.code,
      'PAYLOAD_TOO_LARGE',
    );
    const broken = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"query": ',
    });
    assert.equal(broken.status, 400);
    assert.equal((await fetch(`${server.url}/healthz`)).status, 200, 'the process lives on');
  });
});

describe('configuration', () => {
  const main = path.resolve(__dirname, '../main.js');
  const run = (env: Record<string, string>) =>
    spawnSync(process.execPath, [main], {
      env: { PATH: process.env.PATH ?? '', ...testEnv('redis'), ...env },
      encoding: 'utf8',
      timeout: 20_000,
    });

  test('a bad value stops start-up with one line naming the variable', () => {
    for (const [name, value] of [
      ['PORT', 'eighty'],
      ['REDIS_URL', 'http://localhost'],
      ['JWT_SECRET', 'short'],
      ['MAX_MESSAGE_CHARS', '-1'],
      ['ALLOW_REGISTRATION', 'maybe'],
    ] as const) {
      const result = run({ [name]: value });
      assert.equal(result.status, 1, name);
      const lines = result.stderr.trim().split('\n');
      assert.equal(lines.length, 1, result.stderr);
      assert.match(lines[0] ?? '', new RegExp(`^Invalid configuration: ${name} `));
    }
  });
});
