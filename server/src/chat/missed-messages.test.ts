import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { connect, gql, register, subscribe } from '../test/graphql-client';
import { type ServerProcess, startServer, testEnv, uniqueName } from '../test/server-process';
import { waitFor } from '../test/wait-for';

const SEND = 'mutation($to: ID!, $body: String!) { sendMessage(toUserId: $to, body: $body) { id } }';
const RECEIVED = 'subscription($after: ID) { messageReceived(after: $after) { id body } }';

for (const mode of ['redis', 'single-node'] as const) {
  describe(`messageReceived(after) replays what a reconnecting client missed (${mode})`, () => {
    let server: ServerProcess;
    before(async () => {
      server = await startServer(testEnv(mode));
    });
    after(() => server.stop());

    test('the messages since `after` come first, once, then live ones', async () => {
      const [alice, bob] = await Promise.all([
        register(server.url, uniqueName('ra')),
        register(server.url, uniqueName('rb')),
      ]);
      const ids: string[] = [];
      for (const body of ['one', 'two', 'three']) {
        ids.push((await gql(server.url, SEND, { to: alice.user.id, body }, bob.token)).data?.sendMessage.id);
      }
      const socket = connect(server.wsUrl, alice.token);
      const inbox = subscribe<{ messageReceived: { id: string; body: string } }>(socket, RECEIVED, { after: ids[0] });
      await inbox.next((e) => e.messageReceived.body === 'three');
      await gql(server.url, SEND, { to: alice.user.id, body: 'four' }, bob.token);
      await inbox.next((e) => e.messageReceived.body === 'four');
      assert.deepEqual(
        inbox.events.map((e) => e.messageReceived.body),
        ['two', 'three', 'four'],
      );
      await socket.client.dispose();
    });

    test("another user's message id, or a made-up one, is refused", async () => {
      const [alice, bob, eve] = await Promise.all(
        ['rx', 'ry', 're'].map((name) => register(server.url, uniqueName(name))),
      );
      const theirs = (await gql(server.url, SEND, { to: alice!.user.id, body: 'private' }, bob!.token)).data
        ?.sendMessage.id;
      const socket = connect(server.wsUrl, eve!.token);
      for (const after of [theirs, '00000000-0000-4000-8000-000000000000', 'not-an-id']) {
        const sub = subscribe(socket, RECEIVED, { after });
        await waitFor(() => (sub.errors.length ? true : undefined));
        assert.equal(sub.events.length, 0);
        assert.match(JSON.stringify(sub.errors), /BAD_USER_INPUT/);
      }
      await socket.client.dispose();
    });
  });
}
