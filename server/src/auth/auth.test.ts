import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import jwt from 'jsonwebtoken';
import { Client } from 'pg';
import { gqlFrom, randomIp } from '../test/from-ip';
import { codeOf, connect, gql, register } from '../test/graphql-client';
import {
  type ServerMode,
  type ServerProcess,
  startServer,
  TEST_JWT_SECRET,
  testEnv,
  uniqueName,
} from '../test/server-process';

const ME = '{ me { id username role } }';
const LOGIN = 'mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token user { id username } } }';

async function storedPasswordHash(userId: string): Promise<string> {
  const db = new Client({ connectionString: process.env.TEST_DATABASE_URL });
  await db.connect();
  try {
    const { rows } = await db.query('SELECT "passwordHash" FROM "User" WHERE id = $1', [userId]);
    return rows[0].passwordHash as string;
  } finally {
    await db.end();
  }
}

for (const mode of ['redis', 'single-node'] as ServerMode[]) {
  describe(`accounts and tokens (${mode})`, () => {
    let server: ServerProcess;
    before(async () => {
      server = await startServer(testEnv(mode, { LOGIN_MAX_FAILURES: '3' }));
    });
    after(() => server.stop());

    test('register returns a token that identifies the user; passwords are not stored in clear', async () => {
      const name = uniqueName('reg');
      const { token, user } = await register(server.url, name, 'a-long-password');
      const me = await gql(server.url, ME, {}, token);
      assert.deepEqual(me.data?.me, { id: user.id, username: name, role: 'USER' });
      const stored = await storedPasswordHash(user.id);
      assert.match(stored, /^\$argon2id\$/);
      assert.ok(!stored.includes('a-long-password'), 'the password is not in the stored row');

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
      const other = mode === 'redis' ? await startServer(testEnv(mode)) : server;
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
        if (other !== server) await other.stop();
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

  describe(`login rate limit per IP (${mode})`, () => {
    test('many failures from one address block it across usernames, and only that address', async () => {
      // Its own address behind a trusted proxy: other tests' failures from 127.0.0.1 do not count here.
      const server = await startServer(testEnv(mode, { TRUST_PROXY: '1', LOGIN_MAX_FAILURES_PER_IP: '4' }));
      try {
        const ip = randomIp();
        for (let i = 0; i < 4; i++)
          assert.equal(
            codeOf(await gqlFrom(server.url, ip, LOGIN, { u: uniqueName('ip'), p: 'wrong-password' })),
            'UNAUTHENTICATED',
          );
        const blocked = await gqlFrom(server.url, ip, LOGIN, { u: uniqueName('ip'), p: 'wrong-password' });
        assert.equal(codeOf(blocked), 'RATE_LIMITED');
        const elsewhere = await gqlFrom(server.url, randomIp(), LOGIN, { u: uniqueName('ip'), p: 'wrong-password' });
        assert.equal(codeOf(elsewhere), 'UNAUTHENTICATED');
      } finally {
        await server.stop();
      }
    });
  });

  describe(`closed registration (${mode})`, () => {
    test('ALLOW_REGISTRATION=false answers FORBIDDEN and creates no account', async () => {
      const server = await startServer(testEnv(mode, { ALLOW_REGISTRATION: 'false' }));
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
}
