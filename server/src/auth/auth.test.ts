import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import jwt from 'jsonwebtoken';
import { codeOf, connect, gql, register } from '../test/graphql-client';
import { type ServerProcess, startServer, TEST_JWT_SECRET, testEnv, uniqueName } from '../test/server-process';

const ME = '{ me { id username role } }';
const LOGIN = 'mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token user { id username } } }';

describe('accounts and tokens', () => {
  let server: ServerProcess;
  before(async () => {
    server = await startServer(testEnv('redis', { LOGIN_MAX_FAILURES: '3' }));
  });
  after(() => server.stop());

  test('register returns a token that identifies the user; passwords are not stored in clear', async () => {
    const name = uniqueName('reg');
    const { token, user } = await register(server.url, name, 'a-long-password');
    const me = await gql(server.url, ME, {}, token);
    assert.deepEqual(me.data?.me, { id: user.id, username: name, role: 'USER' });

    const login = await gql(server.url, LOGIN, { u: name, p: 'a-long-password' });
    assert.equal(login.data?.login.user.id, user.id);
    assert.notEqual(login.data?.login.token, token, 'each login issues its own token');
  });

  test('a taken username and invalid credentials are BAD_USER_INPUT and create nothing', async () => {
    const name = uniqueName('dup');
    await register(server.url, name);
    const dup = await gql(
      server.url,
      'mutation($u: String!) { register(username: $u, password: "another-password") { token } }',
      { u: name },
    );
    assert.equal(codeOf(dup), 'BAD_USER_INPUT');
    for (const [u, p] of [
      ['ab', 'long-enough-password'],
      ['has spaces', 'long-enough-password'],
      [uniqueName('short'), 'short'],
      [uniqueName('long'), 'x'.repeat(129)],
    ]) {
      const res = await gql(
        server.url,
        'mutation($u: String!, $p: String!) { register(username: $u, password: $p) { token } }',
        { u, p },
      );
      assert.equal(codeOf(res), 'BAD_USER_INPUT', `${u}/${p.length}`);
      assert.equal(res.data, null);
      assert.equal(codeOf(await gql(server.url, LOGIN, { u, p })), 'UNAUTHENTICATED');
    }
  });

  test('missing, forged, expired and revoked tokens are UNAUTHENTICATED', async () => {
    const { token, user } = await register(server.url, uniqueName('tok'));
    assert.equal(codeOf(await gql(server.url, ME)), 'UNAUTHENTICATED');
    assert.equal(codeOf(await gql(server.url, ME, {}, 'not-a-jwt')), 'UNAUTHENTICATED');
    const claims = jwt.decode(token) as { jti: string };
    const forged = jwt.sign({ name: user.username, role: 'ADMIN' }, 'some-other-secret-some-other-secret', {
      subject: user.id,
      jwtid: claims.jti,
    });
    assert.equal(codeOf(await gql(server.url, ME, {}, forged)), 'UNAUTHENTICATED');
    const expired = jwt.sign({ name: user.username, role: 'USER' }, TEST_JWT_SECRET, {
      subject: user.id,
      jwtid: claims.jti,
      expiresIn: -10,
    });
    assert.equal(codeOf(await gql(server.url, ME, {}, expired)), 'UNAUTHENTICATED');
    // Correctly signed, never issued: not on the allow-list.
    const unissued = jwt.sign({ name: user.username, role: 'USER' }, TEST_JWT_SECRET, {
      subject: user.id,
      jwtid: 'never-issued',
    });
    assert.equal(codeOf(await gql(server.url, ME, {}, unissued)), 'UNAUTHENTICATED');

    assert.equal((await gql(server.url, ME, {}, token)).data?.me.id, user.id);
    assert.equal((await gql(server.url, 'mutation { logout }', {}, token)).data?.logout, true);
    assert.equal(codeOf(await gql(server.url, ME, {}, token)), 'UNAUTHENTICATED');
  });

  test('logout revokes the token in every process and closes its sockets, not the other sessions', async () => {
    const other = await startServer();
    try {
      const name = uniqueName('multi');
      const { token } = await register(server.url, name);
      const second = (await gql(server.url, LOGIN, { u: name, p: 'correct-horse' })).data?.login.token as string;
      const socket = connect(other.wsUrl, token);
      const socketOfSecond = connect(other.wsUrl, second);
      await Promise.all([socket.connected, socketOfSecond.connected]);

      await gql(server.url, 'mutation { logout }', {}, token);
      assert.equal(await socket.closed, 4401);
      assert.equal(codeOf(await gql(other.url, ME, {}, token)), 'UNAUTHENTICATED');
      assert.equal((await gql(other.url, ME, {}, second)).data?.me.username, name, 'the other session lives on');
      socketOfSecond.client.dispose();
    } finally {
      await other.stop();
    }
  });

  test('a socket with a bad token is refused', async () => {
    const socket = connect(server.wsUrl, 'forged');
    assert.equal(await socket.closed, 4403);
  });

  test('repeated failed logins are RATE_LIMITED per username, even with the right password', async () => {
    const name = uniqueName('brute');
    await register(server.url, name, 'the-real-password');
    for (let i = 0; i < 3; i++)
      assert.equal(codeOf(await gql(server.url, LOGIN, { u: name, p: `wrong-${i}-password` })), 'UNAUTHENTICATED');
    const blocked = await gql(server.url, LOGIN, { u: name, p: 'the-real-password' });
    assert.equal(codeOf(blocked), 'RATE_LIMITED');
    assert.ok(Number(blocked.errors?.[0]?.extensions?.retryAfterSeconds) > 0);
    // Another account is not affected.
    const other = uniqueName('fine');
    await register(server.url, other, 'the-real-password');
    assert.ok((await gql(server.url, LOGIN, { u: other, p: 'the-real-password' })).data?.login.token);
  });
});

describe('login rate limit per IP', () => {
  test('many failures from one address block it across usernames', async () => {
    const server = await startServer(testEnv('single-node', { LOGIN_MAX_FAILURES_PER_IP: '4' }));
    try {
      for (let i = 0; i < 4; i++)
        assert.equal(
          codeOf(await gql(server.url, LOGIN, { u: uniqueName('ip'), p: 'wrong-password' })),
          'UNAUTHENTICATED',
        );
      assert.equal(codeOf(await gql(server.url, LOGIN, { u: uniqueName('ip'), p: 'wrong-password' })), 'RATE_LIMITED');
    } finally {
      await server.stop();
    }
  });
});

describe('closed registration', () => {
  test('ALLOW_REGISTRATION=false answers FORBIDDEN and creates no account', async () => {
    const server = await startServer(testEnv('single-node', { ALLOW_REGISTRATION: 'false' }));
    try {
      const name = uniqueName('closed');
      const res = await gql(
        server.url,
        'mutation($u: String!) { register(username: $u, password: "long-enough-password") { token } }',
        { u: name },
      );
      assert.equal(codeOf(res), 'FORBIDDEN');
      assert.equal(codeOf(await gql(server.url, LOGIN, { u: name, p: 'long-enough-password' })), 'UNAUTHENTICATED');
    } finally {
      await server.stop();
    }
  });
});
