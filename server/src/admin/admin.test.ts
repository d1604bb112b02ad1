import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { codeOf, connect, gql, register } from '../test/graphql-client';
import { type ServerMode, type ServerProcess, startServer, testEnv, uniqueName } from '../test/server-process';
import { pollUntil } from '../test/wait-for';

const LOGIN = 'mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token user { id role } } }';
const ONLINE = '{ onlineUsers { user { id username online } connections { id connectedAt } } }';

// With Redis, the admin asks one API process about connections held by two.
for (const mode of ['redis', 'single-node'] as ServerMode[]) {
  describe(`administration (${mode})`, () => {
    let server: ServerProcess;
    let other: ServerProcess;
    const admin = { username: uniqueName('admin'), password: 'admin-password' };

    before(async () => {
      // Demo accounts come from a seed file; this one makes an ADMIN.
      const dir = await mkdtemp(path.join(tmpdir(), 'parley-seed-'));
      const seedFile = path.join(dir, 'seed-users.json');
      await writeFile(seedFile, JSON.stringify([{ ...admin, role: 'ADMIN' }]));
      server = await startServer(testEnv(mode, { SEED_DEMO_USERS: 'true', SEED_USERS_FILE: seedFile }));
      other = mode === 'redis' ? await startServer(testEnv(mode)) : server;
    });
    after(async () => {
      await Promise.all([...new Set([server, other])].map((s) => s.stop()));
    });

    test('seeded accounts can log in with their role', async () => {
      const res = await gql(server.url, LOGIN, { u: admin.username, p: admin.password });
      assert.equal(res.data?.login.user.role, 'ADMIN');
    });

    test('an admin sees who is online with their connections, and can end all sessions of a user', async () => {
      const adminToken = (await gql(server.url, LOGIN, { u: admin.username, p: admin.password })).data?.login.token;
      const alice = await register(server.url, uniqueName('alice'));
      const secondLogin = (await gql(other.url, LOGIN, { u: alice.user.username, p: 'correct-horse' })).data?.login
        .token;
      const tabs = [connect(server.wsUrl, alice.token), connect(other.wsUrl, secondLogin)];
      await Promise.all(tabs.map((t) => t.connected));

      // A connection is registered just after its ack: poll until both are listed.
      const entry = await pollUntil(async () => {
        const online = (await gql(other.url, ONLINE, {}, adminToken)).data?.onlineUsers;
        const found = online.find((o: { user: { id: string } }) => o.user.id === alice.user.id);
        return found?.connections.length === 2 ? found : undefined;
      });
      assert.equal(entry.user.online, true);

      const ended = await gql(
        server.url,
        'mutation($id: ID!) { endSessions(userId: $id) }',
        { id: alice.user.id },
        adminToken,
      );
      assert.equal(ended.data?.endSessions, 2);
      assert.deepEqual(await Promise.all(tabs.map((t) => t.closed)), [4401, 4401]);
      assert.equal(codeOf(await gql(server.url, '{ me { id } }', {}, alice.token)), 'UNAUTHENTICATED');
      assert.equal(codeOf(await gql(other.url, '{ me { id } }', {}, secondLogin)), 'UNAUTHENTICATED');
      // A fresh login works again.
      assert.ok((await gql(server.url, LOGIN, { u: alice.user.username, p: 'correct-horse' })).data?.login.token);
    });

    test('other users get FORBIDDEN and change nothing', async () => {
      const mallory = await register(server.url, uniqueName('mallory'));
      const victim = await register(server.url, uniqueName('victim'));
      assert.equal(codeOf(await gql(server.url, ONLINE, {}, mallory.token)), 'FORBIDDEN');
      assert.equal(
        codeOf(
          await gql(
            server.url,
            'mutation($id: ID!) { endSessions(userId: $id) }',
            { id: victim.user.id },
            mallory.token,
          ),
        ),
        'FORBIDDEN',
      );
      assert.equal((await gql(server.url, '{ me { id } }', {}, victim.token)).data?.me.id, victim.user.id);
    });
  });
}
