import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import jwt from 'jsonwebtoken';
import { codeOf, connect, gql, register } from '../test/graphql-client';
import { sample, scrape } from '../test/metrics-client';
import { type ServerMode, type ServerProcess, startServer, testEnv, uniqueName } from '../test/server-process';
import { sql } from '../test/sql';
import { soon } from '../test/wait-for';

const ME = '{ me { id role } }';
const ONLINE = '{ onlineUsers { user { id } } }';
const LOGIN = 'mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token user { role } } }';
const grantCli = path.resolve(__dirname, 'grant-cli.js');

/** Resolves with the close code, or rejects if the socket is still open after `ms`. */
function closedWithin(closed: Promise<number>, ms: number): Promise<number> {
  return Promise.race([
    closed,
    new Promise<number>((_, reject) => setTimeout(() => reject(new Error(`socket still open after ${ms} ms`)), ms)),
  ]);
}

for (const mode of ['redis', 'single-node'] as ServerMode[]) {
  describe(`sessions follow the account (${mode})`, () => {
    let server: ServerProcess;
    const env = testEnv(mode, { SESSION_CHECK_SECONDS: '1' });
    before(async () => {
      server = await startServer(env);
    });
    after(() => server.stop());

    const grant = (username: string, role: string) =>
      promisify(execFile)(process.execPath, [grantCli, username, role], { env: { ...process.env, ...env } });

    test('user:grant ends the sessions at once: the old token fails, its socket closes, a new login has the role', async () => {
      const name = uniqueName('promoted');
      const { token } = await register(server.url, name);
      assert.equal(codeOf(await gql(server.url, ONLINE, {}, token)), 'FORBIDDEN');
      const socket = connect(server.wsUrl, token);
      // With Redis, a second process that never re-checks its sockets: only the published revocation closes it.
      const other = mode === 'redis' ? await startServer(testEnv(mode, { SESSION_CHECK_SECONDS: '3600' })) : null;
      try {
        const elsewhere = other ? connect(other.wsUrl, token) : null;
        await Promise.all([socket.connected, elsewhere?.connected]);

        const { stdout } = await grant(name.toUpperCase(), 'admin');
        assert.match(stdout, new RegExp(`${name} is now ADMIN; 1 session\\(s\\) ended`));
        assert.equal(await closedWithin(socket.closed, 5000), 4401);
        if (elsewhere) assert.equal(await closedWithin(elsewhere.closed, 5000), 4401);
      } finally {
        await other?.stop();
      }
      await soon(async () => codeOf(await gql(server.url, ME, {}, token)) === 'UNAUTHENTICATED');
      const admin = await gql(server.url, LOGIN, { u: name, p: 'correct-horse' });
      assert.equal(admin.data?.login.user.role, 'ADMIN');
      const adminToken = admin.data?.login.token as string;
      assert.ok((await gql(server.url, ONLINE, {}, adminToken)).data?.onlineUsers);

      // Demoted: the admin token stops working as soon as Postgres notifies the API.
      await grant(name, 'user');
      await soon(async () => codeOf(await gql(server.url, ONLINE, {}, adminToken)) === 'UNAUTHENTICATED');
      const user = await gql(server.url, LOGIN, { u: name, p: 'correct-horse' });
      assert.equal(user.data?.login.user.role, 'USER');
      assert.equal(codeOf(await gql(server.url, ONLINE, {}, user.data?.login.token)), 'FORBIDDEN');
    });

    test('a role changed in the database counts once Postgres notifies the API, and closes the socket', async () => {
      const { token, user } = await register(server.url, uniqueName('sqlrole'));
      const socket = connect(server.wsUrl, token);
      await socket.connected;
      assert.equal((await gql(server.url, ME, {}, token)).data?.me.role, 'USER', 'checked (and remembered) once');
      await sql(`UPDATE "User" SET role = 'ADMIN' WHERE id = $1`, [user.id]);
      await soon(async () => (await gql(server.url, ME, {}, token)).data?.me.role === 'ADMIN');
      assert.ok((await gql(server.url, ONLINE, {}, token)).data?.onlineUsers);
      assert.equal(await closedWithin(socket.closed, 5000), 4401, 'the socket was opened with another role');
      await sql(`UPDATE "User" SET role = 'USER' WHERE id = $1`, [user.id]);
      await soon(async () => codeOf(await gql(server.url, ONLINE, {}, token)) === 'FORBIDDEN');
    });

    test('a removed user is UNAUTHENTICATED once Postgres notifies the API, and their socket closes', async () => {
      const { token, user } = await register(server.url, uniqueName('removed'));
      const socket = connect(server.wsUrl, token);
      await socket.connected;
      assert.ok((await gql(server.url, ME, {}, token)).data?.me, 'checked (and remembered) once');
      await sql('DELETE FROM "User" WHERE id = $1', [user.id]);
      await soon(async () => codeOf(await gql(server.url, ME, {}, token)) === 'UNAUTHENTICATED');
      assert.equal(await closedWithin(socket.closed, 5000), 4401);
    });

    test('a remembered session is refused at once after logout, and elsewhere once Postgres notifies', async () => {
      const first = await register(server.url, uniqueName('remembered'));
      // Another process that has checked the token too (with Redis; single-node mode has one process).
      const other = mode === 'redis' ? await startServer(testEnv(mode)) : server;
      try {
        const fromMemory = async () =>
          sample((await scrape(other.url)).text, 'parley_session_checks_total', { source: 'memory' });
        const before = (await fromMemory()) || 0; // no sample before the first check
        for (let i = 0; i < 5; i++) {
          const answers = await Promise.all([
            gql(server.url, ME, {}, first.token),
            gql(other.url, ME, {}, first.token),
          ]);
          for (const answer of answers) assert.equal(answer.data?.me.id, first.user.id);
        }
        assert.ok((await fromMemory()) >= before + 4, 'later checks of the token need no statement');
        const LOGOUT = 'mutation { logout }';
        assert.equal((await gql(server.url, LOGOUT, {}, first.token)).data?.logout, true);
        assert.equal(
          codeOf(await gql(server.url, ME, {}, first.token)),
          'UNAUTHENTICATED',
          'the same process: at once',
        );
        await soon(async () => codeOf(await gql(other.url, ME, {}, first.token)) === 'UNAUTHENTICATED');

        const second = await gql(server.url, LOGIN, { u: first.user.username, p: 'correct-horse' });
        const token = second.data?.login.token as string;
        for (const url of [server.url, other.url]) assert.ok((await gql(url, ME, {}, token)).data?.me);
        await sql('DELETE FROM "Session" WHERE "userId" = $1', [first.user.id]);
        for (const url of [server.url, other.url])
          await soon(async () => codeOf(await gql(url, ME, {}, token)) === 'UNAUTHENTICATED');
      } finally {
        if (other !== server) await other.stop();
      }
    });
  });

  describe(`a socket whose token expires (${mode})`, () => {
    let server: ServerProcess;
    before(async () => {
      // A long check interval: the expiry timer alone must close the socket.
      server = await startServer(testEnv(mode, { JWT_TTL_SECONDS: '3', SESSION_CHECK_SECONDS: '3600' }));
    });
    after(() => server.stop());

    test('is closed with 4401 at its expiry, not before', async () => {
      const { token } = await register(server.url, uniqueName('expiring'));
      const expiresAt = (jwt.decode(token) as { exp: number }).exp * 1000;
      const socket = connect(server.wsUrl, token);
      await socket.connected;
      const code = await closedWithin(socket.closed, expiresAt - Date.now() + 2000);
      const closedAt = Date.now();
      assert.equal(code, 4401);
      assert.ok(closedAt >= expiresAt - 50, `closed ${expiresAt - closedAt} ms before the expiry`);
      assert.equal(codeOf(await gql(server.url, ME, {}, token)), 'UNAUTHENTICATED');
    });
  });
}
