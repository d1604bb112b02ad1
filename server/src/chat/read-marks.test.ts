import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { codeOf, connect, gql, register, subscribe, untilLive } from '../test/graphql-client';
import { type ServerMode, type ServerProcess, startServer, testEnv, uniqueName } from '../test/server-process';

const SEND = 'mutation($to: ID!, $body: String!) { sendMessage(toUserId: $to, body: $body) { id } }';
const MARK_CONVERSATION = 'mutation($with: ID!) { markConversationRead(withUserId: $with) }';
const MARK = 'mutation($ids: [ID!]!) { markRead(messageIds: $ids) }';
const READS = 'subscription { messagesRead { readerId senderId messageIds readAt } }';
const TYPING = 'mutation($to: ID!) { typing(toUserId: $to) }';
const TYPING_EVENTS = 'subscription { typingChanged { fromUserId expiresInSeconds } }';
const UNREAD = '{ unread { id } }';

interface Receipt {
  messagesRead: { readerId: string; senderId: string; messageIds: string[]; readAt: string };
}

for (const mode of ['redis', 'single-node'] as ServerMode[]) {
  describe(`read marks, typing and limits (${mode})`, () => {
    let server: ServerProcess;
    before(async () => {
      server = await startServer(testEnv(mode, { MAX_MESSAGE_CHARS: '123' }));
    });
    after(() => server.stop());

    test('opening a conversation marks all of it read in one call; the sender hears it live', async () => {
      const alice = await register(server.url, uniqueName('alice'));
      const bob = await register(server.url, uniqueName('bob'));
      const carol = await register(server.url, uniqueName('carol'));
      const aliceTab = connect(server.wsUrl, alice.token);
      const reads = subscribe<Receipt>(aliceTab, READS);
      // Live once a read mark of a probe message arrives.
      const probe = async () => {
        const id = (await gql(server.url, SEND, { to: bob.user.id, body: 'probe' }, alice.token)).data?.sendMessage.id;
        await gql(server.url, MARK, { ids: [id] }, bob.token);
      };
      await untilLive(reads, probe, (e) => e.messagesRead.readerId === bob.user.id);

      const ids: string[] = [];
      for (let i = 0; i < 41; i++)
        ids.push((await gql(server.url, SEND, { to: bob.user.id, body: `m${i}` }, alice.token)).data?.sendMessage.id);
      const fromCarol = (await gql(server.url, SEND, { to: bob.user.id, body: 'other' }, carol.token)).data?.sendMessage
        .id;

      const marked = await gql(server.url, MARK_CONVERSATION, { with: alice.user.id }, bob.token);
      assert.equal(marked.data?.markConversationRead, 41);
      const receipt = await reads.next((e) => e.messagesRead.messageIds.includes(ids[40] as string));
      assert.deepEqual([...receipt.messagesRead.messageIds].sort(), [...ids].sort());
      assert.equal(receipt.messagesRead.senderId, alice.user.id);
      // Carol's message to bob stays unread; a second call changes nothing.
      const unread = (await gql(server.url, UNREAD, {}, bob.token)).data?.unread.map((m: { id: string }) => m.id);
      assert.deepEqual(unread, [fromCarol]);
      assert.equal(
        (await gql(server.url, MARK_CONVERSATION, { with: alice.user.id }, bob.token)).data?.markConversationRead,
        0,
      );
      aliceTab.client.dispose();
    });

    test('nobody marks another person’s messages read; made-up and malformed ids are refused or ignored', async () => {
      const alice = await register(server.url, uniqueName('alice'));
      const bob = await register(server.url, uniqueName('bob'));
      const eve = await register(server.url, uniqueName('eve'));
      const id = (await gql(server.url, SEND, { to: bob.user.id, body: 'private' }, alice.token)).data?.sendMessage.id;
      assert.equal((await gql(server.url, MARK, { ids: [id] }, eve.token)).data?.markRead, 0);
      assert.equal(
        (await gql(server.url, MARK_CONVERSATION, { with: alice.user.id }, eve.token)).data?.markConversationRead,
        0,
      );
      assert.equal(
        codeOf(await gql(server.url, MARK_CONVERSATION, { with: 'not-an-id' }, bob.token)),
        'BAD_USER_INPUT',
      );
      assert.equal(codeOf(await gql(server.url, MARK_CONVERSATION, { with: alice.user.id })), 'UNAUTHENTICATED');
      assert.deepEqual(
        (await gql(server.url, UNREAD, {}, bob.token)).data?.unread.map((m: { id: string }) => m.id),
        [id],
      );
    });

    test('typing reaches the other person live, throttled on the server: 40 signals at once pass one', async () => {
      const alice = await register(server.url, uniqueName('alice'));
      const bob = await register(server.url, uniqueName('bob'));
      const bobTab = connect(server.wsUrl, bob.token);
      const typing = subscribe<{ typingChanged: { fromUserId: string; expiresInSeconds: number } }>(
        bobTab,
        TYPING_EVENTS,
      );
      await untilLive(
        typing,
        () => gql(server.url, TYPING, { to: bob.user.id }, alice.token),
        (e) => e.typingChanged.fromUserId === alice.user.id,
      );
      const carol = await register(server.url, uniqueName('carol'));
      const burst = await Promise.all(
        Array.from({ length: 40 }, () => gql(server.url, TYPING, { to: bob.user.id }, carol.token)),
      );
      assert.equal(burst.filter((r) => r.data?.typing === true).length, 1, JSON.stringify(burst[0]));
      assert.ok(
        burst.every((r) => r.data?.typing !== undefined),
        'a throttled signal is no error',
      );
      const event = await typing.next((e) => e.typingChanged.fromUserId === carol.user.id);
      assert.ok(event.typingChanged.expiresInSeconds > 0);
      assert.equal(codeOf(await gql(server.url, TYPING, { to: carol.user.id }, carol.token)), 'BAD_USER_INPUT');
      assert.equal(codeOf(await gql(server.url, TYPING, { to: 'x'.repeat(1_000_000) }, carol.token)), 'BAD_USER_INPUT');
      bobTab.client.dispose();
    });

    test('the limits query reports what the server enforces, without a login', async () => {
      const res = await gql(server.url, '{ limits { maxMessageChars maxImagesPerTurn maxConversationPage } }');
      assert.deepEqual(res.data?.limits, { maxMessageChars: 123, maxImagesPerTurn: 4, maxConversationPage: 200 });
    });
  });
}
