import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { codeOf, connect, gql, register, subscribe, untilLive } from '../test/graphql-client';
import { type ServerMode, type ServerProcess, startServer, testEnv, uniqueName } from '../test/server-process';

const SEND = `mutation($to: ID!, $body: String!, $cid: String) {
  sendMessage(toUserId: $to, body: $body, clientId: $cid) { id clientId body createdAt readAt from { id username } to { id username } }
}`;
const HISTORY = `query($with: ID!, $before: ID, $limit: Int) {
  conversation(withUserId: $with, before: $before, limit: $limit) { hasMore messages { id body from { username } } }
}`;
const RECEIVED = 'subscription { messageReceived { id clientId body from { id username } to { id username } } }';

// The same behaviour is required with Redis (several processes) and without (single-node mode).
for (const mode of ['redis', 'single-node'] as ServerMode[]) {
  describe(`chat (${mode})`, () => {
    let server: ServerProcess;
    before(async () => {
      server = await startServer(testEnv(mode, { MAX_MESSAGE_CHARS: '100' }));
    });
    after(() => server.stop());

    test('a message to an online user arrives live, and the sender’s other tabs see it too', async () => {
      const alice = await register(server.url, uniqueName('alice'));
      const bob = await register(server.url, uniqueName('bob'));
      const bobTab = connect(server.wsUrl, bob.token);
      const aliceOtherTab = connect(server.wsUrl, alice.token);
      const bobInbox = subscribe(bobTab, RECEIVED);
      const aliceEcho = subscribe(aliceOtherTab, RECEIVED);
      const probe = () => gql(server.url, SEND, { to: bob.user.id, body: 'probe' }, alice.token);
      const isProbe = (e: Record<string, any>) => e.messageReceived.body === 'probe';
      await untilLive(bobInbox, probe, isProbe);
      await untilLive(aliceEcho, probe, isProbe);

      const sent = await gql(server.url, SEND, { to: bob.user.id, body: 'hello bob', cid: 'c-1' }, alice.token);
      assert.equal(sent.data?.sendMessage.body, 'hello bob');
      assert.equal(sent.data?.sendMessage.from.username, alice.user.username);
      const got = await bobInbox.next((e) => e.messageReceived.id === sent.data?.sendMessage.id);
      assert.deepEqual(got.messageReceived.from, alice.user);
      assert.equal(got.messageReceived.clientId, 'c-1');
      await aliceEcho.next((e) => e.messageReceived.id === sent.data?.sendMessage.id);

      const reply = await gql(server.url, SEND, { to: alice.user.id, body: 'hi alice' }, bob.token);
      await aliceEcho.next((e) => e.messageReceived.id === reply.data?.sendMessage.id);
      bobTab.client.dispose();
      aliceOtherTab.client.dispose();
    });

    test('a message to an offline user waits, unread, until they come back; markRead clears it', async () => {
      const alice = await register(server.url, uniqueName('alice'));
      const bob = await register(server.url, uniqueName('bob'));
      const ids: string[] = [];
      for (const body of ['one', 'two', 'three'])
        ids.push((await gql(server.url, SEND, { to: bob.user.id, body }, alice.token)).data?.sendMessage.id);

      const unread = await gql(server.url, '{ unread { id body readAt from { username } } }', {}, bob.token);
      assert.deepEqual(
        unread.data?.unread.map((m: { body: string }) => m.body),
        ['one', 'two', 'three'],
      );
      assert.ok(unread.data?.unread.every((m: { readAt: unknown }) => m.readAt === null));
      // Alice cannot mark Bob's messages read; Bob can, once.
      assert.equal(
        (await gql(server.url, 'mutation($ids: [ID!]!) { markRead(messageIds: $ids) }', { ids }, alice.token)).data
          ?.markRead,
        0,
      );
      assert.equal(
        (
          await gql(
            server.url,
            'mutation($ids: [ID!]!) { markRead(messageIds: $ids) }',
            { ids: ids.slice(0, 2) },
            bob.token,
          )
        ).data?.markRead,
        2,
      );
      assert.equal(
        (await gql(server.url, 'mutation($ids: [ID!]!) { markRead(messageIds: $ids) }', { ids }, bob.token)).data
          ?.markRead,
        1,
      );
      assert.deepEqual((await gql(server.url, '{ unread { id } }', {}, bob.token)).data?.unread, []);
    });

    test('sending is idempotent per clientId, also under concurrent retries', async () => {
      const alice = await register(server.url, uniqueName('alice'));
      const bob = await register(server.url, uniqueName('bob'));
      const results = await Promise.all(
        Array.from({ length: 10 }, () =>
          gql(server.url, SEND, { to: bob.user.id, body: 'only once', cid: 'retry-me' }, alice.token),
        ),
      );
      const ids = new Set(results.map((r) => r.data?.sendMessage.id));
      assert.equal(ids.size, 1, JSON.stringify(results.map((r) => r.errors)));
      const history = await gql(server.url, HISTORY, { with: alice.user.id }, bob.token);
      assert.equal(history.data?.conversation.messages.length, 1);
      // The same clientId from another sender is another message.
      const carol = await register(server.url, uniqueName('carol'));
      const other = await gql(server.url, SEND, { to: bob.user.id, body: 'mine', cid: 'retry-me' }, carol.token);
      assert.ok(!ids.has(other.data?.sendMessage.id));
    });

    test('history pages backwards, newest last, without gaps or repeats', async () => {
      const alice = await register(server.url, uniqueName('alice'));
      const bob = await register(server.url, uniqueName('bob'));
      for (let i = 0; i < 7; i++) {
        const [from, to] = i % 2 ? [bob, alice] : [alice, bob];
        await gql(server.url, SEND, { to: to.user.id, body: `m${i}` }, from.token);
      }
      const page1 = (await gql(server.url, HISTORY, { with: bob.user.id, limit: 3 }, alice.token)).data?.conversation;
      assert.deepEqual(
        page1.messages.map((m: { body: string }) => m.body),
        ['m4', 'm5', 'm6'],
      );
      assert.equal(page1.hasMore, true);
      const page2 = (
        await gql(server.url, HISTORY, { with: bob.user.id, limit: 3, before: page1.messages[0].id }, alice.token)
      ).data?.conversation;
      assert.deepEqual(
        page2.messages.map((m: { body: string }) => m.body),
        ['m1', 'm2', 'm3'],
      );
      const page3 = (
        await gql(server.url, HISTORY, { with: alice.user.id, limit: 3, before: page2.messages[0].id }, bob.token)
      ).data?.conversation;
      assert.deepEqual(
        page3.messages.map((m: { body: string }) => m.body),
        ['m0'],
      );
      assert.equal(page3.hasMore, false);
      // A third user sees nothing of it.
      const eve = await register(server.url, uniqueName('eve'));
      assert.deepEqual(
        (await gql(server.url, HISTORY, { with: bob.user.id }, eve.token)).data?.conversation.messages,
        [],
      );
      assert.equal(
        codeOf(await gql(server.url, HISTORY, { with: bob.user.id, before: page1.messages[0].id }, eve.token)),
        'BAD_USER_INPUT',
      );
    });

    test('bad input is a clear error with a stable code and stores nothing', async () => {
      const alice = await register(server.url, uniqueName('alice'));
      const bob = await register(server.url, uniqueName('bob'));
      const cases: [Record<string, unknown>, string][] = [
        [{ to: bob.user.id, body: '' }, 'BAD_USER_INPUT'],
        [{ to: bob.user.id, body: '   \n ' }, 'BAD_USER_INPUT'],
        [{ to: bob.user.id, body: 'x'.repeat(101) }, 'BAD_USER_INPUT'],
        [{ to: alice.user.id, body: 'me, myself' }, 'BAD_USER_INPUT'],
        [{ to: 'not-an-id', body: 'hi' }, 'BAD_USER_INPUT'],
        [{ to: '00000000-0000-4000-8000-000000000000', body: 'hi' }, 'NOT_FOUND'],
        [{ to: bob.user.id, body: 'hi', cid: 'c'.repeat(65) }, 'BAD_USER_INPUT'],
      ];
      for (const [variables, code] of cases) {
        const res = await gql(server.url, SEND, variables, alice.token);
        assert.equal(codeOf(res), code, JSON.stringify(variables).slice(0, 80));
        assert.equal(res.errors?.[0]?.extensions?.stacktrace, undefined);
      }
      assert.equal(codeOf(await gql(server.url, SEND, { to: bob.user.id, body: 'hi' })), 'UNAUTHENTICATED');
      assert.equal(
        codeOf(await gql(server.url, HISTORY, { with: bob.user.id, limit: 1000 }, alice.token)),
        'BAD_USER_INPUT',
      );
      assert.equal(
        codeOf(await gql(server.url, 'mutation { markRead(messageIds: ["nope"]) }', {}, alice.token)),
        'BAD_USER_INPUT',
      );
      const exactlyMax = await gql(server.url, SEND, { to: bob.user.id, body: 'x'.repeat(100) }, alice.token);
      assert.equal(exactlyMax.data?.sendMessage.body.length, 100);
      const history = await gql(server.url, HISTORY, { with: bob.user.id }, alice.token);
      assert.equal(history.data?.conversation.messages.length, 1, 'only the valid message was stored');
    });
  });
}

describe('history survives a restart', () => {
  test('messages written before a restart are there after it', async () => {
    let server = await startServer(testEnv('redis'));
    const alice = await register(server.url, uniqueName('alice'));
    const bob = await register(server.url, uniqueName('bob'));
    await gql(server.url, SEND, { to: bob.user.id, body: 'before the restart' }, alice.token);
    await server.stop();
    server = await startServer(testEnv('redis'));
    try {
      const history = await gql(server.url, HISTORY, { with: alice.user.id }, bob.token);
      assert.deepEqual(
        history.data?.conversation.messages.map((m: { body: string }) => m.body),
        ['before the restart'],
      );
    } finally {
      await server.stop();
    }
  });
});
