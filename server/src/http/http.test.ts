import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { codeOf, connect, gql, register, subscribe } from '../test/graphql-client';
import { type ServerProcess, startServer, testEnv } from '../test/server-process';
import { waitFor } from '../test/wait-for';

describe('the HTTP surface', () => {
  let server: ServerProcess;
  before(async () => {
    server = await startServer(
      testEnv('redis', { MAX_REQUEST_BYTES: '4096', GRAPHQL_MAX_DEPTH: '3', GRAPHQL_INTROSPECTION: 'false' }),
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

    // The same limit holds over WebSocket: the allowed subscription is live (it sees bob arrive), the deep one refused.
    const socket = connect(server.wsUrl, token);
    const allowed = subscribe<{ presenceChanged: { user: { id: string } } }>(
      socket,
      'subscription { presenceChanged { user { id } } }',
    );
    const tooDeep = subscribe(
      socket,
      'query($id: ID!) { conversation(withUserId: $id) { messages { from { id } } } }',
      { id: user.id },
    );
    await socket.connected;
    const denied = await waitFor(() => tooDeep.errors[0] as { message: string; extensions?: { code?: string } }[]);
    assert.equal(denied[0]?.extensions?.code, 'GRAPHQL_VALIDATION_FAILED');
    assert.match(denied[0]?.message ?? '', /depth/);
    const bob = await register(server.url, `deep_bob_${Date.now()}`);
    // Bob comes online until the allowed subscription reports it (it may not be set up at his first try).
    const deadline = Date.now() + 10_000;
    for (let seen = false; !seen; ) {
      assert.ok(Date.now() < deadline, 'the allowed subscription never saw bob come online');
      const other = connect(server.wsUrl, bob.token);
      await other.connected;
      seen = await allowed
        .next((event) => event.presenceChanged.user.id === bob.user.id, 1000)
        .then(
          () => true,
          () => false,
        );
      other.client.dispose();
    }
    assert.equal(allowed.errors.length, 0);
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

const securityHeaders = (res: Response, frameAncestors = "'none'") => {
  const csp = res.headers.get('content-security-policy') ?? '';
  assert.match(csp, new RegExp(`frame-ancestors ${frameAncestors}(;|$)`), `${res.url}: ${csp}`);
  assert.match(csp, /default-src 'self'/);
  assert.match(csp, /script-src 'self'(;|$)/, 'no inline or remote scripts');
  assert.equal(res.headers.get('x-content-type-options'), 'nosniff', res.url);
  assert.equal(res.headers.get('referrer-policy'), 'no-referrer', res.url);
};

/** An error answered as JSON with a code: no HTML, no stack, no path on this machine. */
async function assertJsonError(res: Response, status: number, code: string) {
  const text = await res.text();
  assert.equal(res.status, status, `${res.url}: ${text}`);
  assert.match(res.headers.get('content-type') ?? '', /^application\/json/, text);
  assert.equal((JSON.parse(text) as { errors: { extensions: { code: string } }[] }).errors[0]?.extensions.code, code);
  assert.doesNotMatch(text, /<html|<pre|\bat \w|node_modules|\/work\/|\/home\//i);
}

describe('HTTP hygiene in development mode, with study framing allowed for one host', () => {
  let server: ServerProcess;
  before(async () => {
    server = await startServer(
      testEnv('redis', {
        NODE_ENV: 'development',
        MAX_REQUEST_BYTES: '4096',
        STUDY_FRAME_ANCESTORS: 'https://lab.example.org',
        FRONTEND_URL: 'https://app.example.org',
      }),
    );
  });

  test('CORS allows FRONTEND_URL only, on the preflight and on the POST itself', async () => {
    const post = (origin: string) =>
      fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin },
        body: '{"query":"{ __typename }"}',
      });
    const allowed = await post('https://app.example.org');
    assert.equal(allowed.status, 200);
    assert.equal(allowed.headers.get('access-control-allow-origin'), 'https://app.example.org');
    assert.equal(allowed.headers.get('access-control-allow-credentials'), 'true');
    assert.equal(
      (await post('https://evil.example.com')).headers.get('access-control-allow-origin'),
      'https://app.example.org',
      "never the caller's own origin",
    );
    const preflight = await fetch(`${server.url}/graphql`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://app.example.org',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type,authorization',
      },
    });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get('access-control-allow-origin'), 'https://app.example.org');
  });
  after(() => server.stop());

  test('every response carries the security headers; only study pages may be framed, by the named host', async () => {
    const html = { accept: 'text/html' };
    for (const res of [
      await fetch(`${server.url}/`, { headers: html }),
      await fetch(`${server.url}/chat`, { headers: html }),
      await fetch(`${server.url}/graphql`, { headers: html }),
      await fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"query":"{ __typename }"}',
      }),
      await fetch(`${server.url}/healthz`),
      await fetch(`${server.url}/no/such/thing`, { headers: { accept: 'application/json' } }),
    ]) {
      securityHeaders(res);
      assert.equal(res.headers.get('x-frame-options'), 'DENY', res.url);
    }
    const study = await fetch(`${server.url}/study/demo?PROLIFIC_PID=abc`, { headers: html });
    assert.equal(study.status, 200);
    securityHeaders(study, 'https://lab\\.example\\.org');
    assert.equal(study.headers.get('x-frame-options'), null, 'the CSP decides who may frame a study page');
  });

  test('errors before GraphQL answer JSON with a code, never an HTML page or a stack, even in development', async () => {
    const json = { accept: 'application/json' };
    const post = (headers: Record<string, string>, body: string | Uint8Array) =>
      fetch(`${server.url}/graphql`, { method: 'POST', headers, body });
    await assertJsonError(
      await post({ 'content-type': 'application/json; charset=latin1' }, '{"query":"{ __typename }"}'),
      415,
      'BAD_REQUEST',
    );
    await assertJsonError(
      await post({ 'content-type': 'application/json', 'content-encoding': 'gzip' }, 'not gzip at all'),
      400,
      'BAD_REQUEST',
    );
    await assertJsonError(
      await post({ 'content-type': 'application/json', 'content-encoding': 'br-unknown' }, '{}'),
      415,
      'BAD_REQUEST',
    );
    await assertJsonError(await post({ 'content-type': 'application/json' }, '{"query": '), 400, 'BAD_REQUEST');
    await assertJsonError(
      await post({ 'content-type': 'application/json' }, JSON.stringify({ query: 'x'.repeat(5000) })),
      413,
      'PAYLOAD_TOO_LARGE',
    );
    await assertJsonError(await fetch(`${server.url}/assets/%E0%A4%A`), 400, 'BAD_REQUEST');
    await assertJsonError(await fetch(`${server.url}/nothing-here.txt`, { headers: json }), 404, 'NOT_FOUND');
    await assertJsonError(await fetch(`${server.url}/healthz`, { method: 'DELETE', headers: json }), 404, 'NOT_FOUND');
    assert.equal((await fetch(`${server.url}/healthz`)).status, 200, 'the process lives on');
    assert.doesNotMatch(server.output(), /\n\s+at .+:\d+:\d+/, 'nothing like a stack on stderr');
  });
});

describe('production mode', () => {
  let server: ServerProcess;
  let dist: string;
  before(async () => {
    dist = await mkdtemp(path.join(tmpdir(), 'parley-dist-'));
    await mkdir(path.join(dist, 'assets'));
    await writeFile(path.join(dist, 'index.html'), '<!doctype html><title>Parley</title>');
    await writeFile(path.join(dist, 'assets/app.js'), 'console.log(1);\n//# sourceMappingURL=app.js.map');
    await writeFile(path.join(dist, 'assets/app.js.map'), '{"version":3,"sources":["secret.ts"]}');
    server = await startServer(testEnv('redis', { NODE_ENV: 'production', WEB_DIST_DIR: dist }));
  });
  after(async () => {
    await server.stop();
    await rm(dist, { recursive: true, force: true });
  });

  test('source maps are never served, even when the build left them; the code itself is', async () => {
    assert.equal((await fetch(`${server.url}/assets/app.js`)).status, 200);
    await assertJsonError(await fetch(`${server.url}/assets/app.js.map`), 404, 'NOT_FOUND');
    await assertJsonError(await fetch(`${server.url}/assets/APP.JS.MAP`), 404, 'NOT_FOUND');
    const page = await fetch(`${server.url}/`, { headers: { accept: 'text/html' } });
    assert.equal(page.status, 200);
    securityHeaders(page);
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

  test('a bad value stops start-up with one line naming the variable, never its value', () => {
    for (const [name, value] of [
      ['PORT', 'eighty-secret-port'],
      ['REDIS_URL', 'http://user:hunter2-password@localhost'],
      ['JWT_SECRET', 'short-Secret-42'],
      ['MAX_MESSAGE_CHARS', '-17171717'],
      ['ALLOW_REGISTRATION', 'maybe-secret'],
      ['GRAPHQL_MAX_COST', '0'],
      ['STUDY_FRAME_ANCESTORS', 'javascript:alert(1)'],
    ] as const) {
      const result = run({ [name]: value });
      assert.equal(result.status, 1, name);
      const lines = result.stderr.trim().split('\n');
      assert.equal(lines.length, 1, result.stderr);
      assert.match(lines[0] ?? '', new RegExp(`^Invalid configuration: ${name} `));
      assert.ok(!result.stderr.includes(value) && !result.stdout.includes(value), `${name}: ${result.stderr}`);
    }
  });

  test('the name before issue 9, MAX_QUERY_DEPTH, is still read', () => {
    const result = run({ MAX_QUERY_DEPTH: '1' });
    assert.equal(result.status, 1);
    assert.match(result.stderr, /^Invalid configuration: GRAPHQL_MAX_DEPTH /);
  });
});
