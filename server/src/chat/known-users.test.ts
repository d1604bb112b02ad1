import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { codeOf, gql, register } from '../test/graphql-client';
import { type ServerMode, type ServerProcess, startServer, testEnv, uniqueName } from '../test/server-process';
import { sql } from '../test/sql';
import { soon } from '../test/wait-for';

const SEND = `mutation($to: ID!, $body: String!, $cid: String) {
  sendMessage(toUserId: $to, body: $body, clientId: $cid) { id from { id role } to { id } }
}`;

// A send reads both accounts from memory once known: what changes in Postgres must count as soon as
// Postgres notifies the API.
for (const mode of ['redis', 'single-node'] as ServerMode[]) {
  describe(`sending to known accounts (${mode})`, () => {
    let server: ServerProcess;
    let limited: ServerProcess;
    before(async () => {
      [server, limited] = await Promise.all([
        startServer(testEnv(mode)),
        startServer(testEnv(mode, { MESSAGES_PER_MINUTE: '3' })),
      ]);
    });
    after(() => Promise.all([server.stop(), limited.stop()]));

    test('a changed role shows on the sends after it, and a recipient removed in SQL is NOT_FOUND', async () => {
      const [alice, bob] = await Promise.all([
        register(server.url, uniqueName('ka')),
        register(server.url, uniqueName('kb')),
      ]);
      const send = (body: string) => gql(server.url, SEND, { to: bob.user.id, body }, alice.token);
      assert.equal((await send('first')).data?.sendMessage.from.role, 'USER');
      await sql(`UPDATE "User" SET role = 'RESEARCHER' WHERE id = $1`, [alice.user.id]);
      await soon(async () => (await send('again')).data?.sendMessage.from.role === 'RESEARCHER');
      await sql('DELETE FROM "User" WHERE id = $1', [bob.user.id]);
      await soon(async () => codeOf(await send('and again')) === 'NOT_FOUND');
      // Meanwhile a send was stored (bob still there) or NOT_FOUND, never an internal error.
      assert.equal(codeOf(await send('last')), 'NOT_FOUND');
    });

    test('retries do not count against MESSAGES_PER_MINUTE, and one refused by it gets the stored message', async () => {
      const send = (from: { token: string }, to: string, body: string, cid?: string) =>
        gql(limited.url, SEND, { to, body, cid }, from.token);
      const [alice, bob] = await Promise.all([
        register(limited.url, uniqueName('ra')),
        register(limited.url, uniqueName('rb')),
      ]);
      const first = await send(alice, bob.user.id, 'one', 'c-1');
      const firstId = first.data?.sendMessage.id;
      assert.ok(firstId, JSON.stringify(first.errors));
      const retries = await Promise.all(Array.from({ length: 5 }, () => send(alice, bob.user.id, 'one', 'c-1')));
      for (const retry of retries) assert.equal(retry.data?.sendMessage.id, firstId, JSON.stringify(retry.errors));
      assert.ok((await send(alice, bob.user.id, 'two', 'c-2')).data?.sendMessage.id);
      const third = (await send(alice, bob.user.id, 'three', 'c-3')).data?.sendMessage.id;
      assert.ok(third, 'three sends of three allowed: the retries gave their points back');
      assert.equal(codeOf(await send(alice, bob.user.id, 'four', 'c-4')), 'RATE_LIMITED');
      assert.equal((await send(alice, bob.user.id, 'three', 'c-3')).data?.sendMessage.id, third);
    });
  });
}
