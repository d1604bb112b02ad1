import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { codeOf, connect, gql, register, type Socket, subscribe } from '../test/graphql-client';
import { type ServerProcess, startServer, testEnv, uniqueName } from '../test/server-process';
import { waitFor } from '../test/wait-for';

type Errors = { message: string; extensions?: { code?: string; reason?: string } }[];

const badTexts = {
  nul: 'a\u0000b',
  loneHigh: 'x\ud800',
  loneLow: '\udc00y',
  bell: 'ring\u0007',
  escape: '\u001b[31mred',
  c1: 'next\u0085line',
  del: 'rub\u007fout',
};

const SEND =
  'mutation($to: ID!, $body: String!, $c: String) { sendMessage(toUserId: $to, body: $body, clientId: $c) { id body } }';

/** The first error of a WebSocket operation, once it arrives. */
async function wsErrors(socket: Socket, query: string, variables: Record<string, unknown> = {}): Promise<Errors> {
  const sub = subscribe(socket, query, variables);
  const errors = await waitFor(() => sub.errors[0] as Errors | undefined);
  sub.dispose();
  return errors;
}

describe('text and variables are checked once at the edge (HTTP and WebSocket)', () => {
  let server: ServerProcess;
  let alice: { token: string; user: { id: string } };
  let bob: { token: string; user: { id: string } };
  before(async () => {
    server = await startServer(testEnv('redis'));
    alice = await register(server.url, uniqueName('edge_a'));
    bob = await register(server.url, uniqueName('edge_b'));
  });
  after(() => server.stop());

  test('NUL, lone surrogates and control characters in a variable are BAD_USER_INPUT, before any resolver', async () => {
    for (const [name, text] of Object.entries(badTexts)) {
      // Anonymous: without the edge check, the resolver would answer UNAUTHENTICATED.
      const anonymous = await gql(server.url, SEND, { to: bob.user.id, body: text });
      assert.equal(codeOf(anonymous), 'BAD_USER_INPUT', name);
      assert.equal(anonymous.errors?.[0]?.extensions?.reason, 'INVALID_TEXT');
      const asAlice = await gql(server.url, SEND, { to: bob.user.id, body: 'fine', c: text }, alice.token);
      assert.equal(codeOf(asAlice), 'BAD_USER_INPUT', name);
      const login = await gql(
        server.url,
        'mutation($u: String!) { login(username: $u, password: "whatever1") { token } }',
        {
          u: text,
        },
      );
      assert.equal(codeOf(login), 'BAD_USER_INPUT', name);
    }
    const stored = await gql<{ conversation: { messages: unknown[] } }>(
      server.url,
      'query($id: ID!) { conversation(withUserId: $id) { messages { id } } }',
      { id: bob.user.id },
      alice.token,
    );
    assert.deepEqual(stored.data?.conversation.messages, [], 'nothing was stored');
  });

  test('inline literals, input objects, lists and JSON (values and keys, however deep) are checked too', async () => {
    const literal = await gql(server.url, `mutation { login(username: "a\\u0000b", password: "whatever1") { token } }`);
    assert.equal(codeOf(literal), 'BAD_USER_INPUT');
    const block = await gql(
      server.url,
      `mutation { login(username: """a\u0007b""", password: "whatever1") { token } }`,
    );
    assert.ok(['BAD_USER_INPUT', 'GRAPHQL_PARSE_FAILED'].includes(String(codeOf(block))));
    const nestedInput = await gql(
      server.url,
      'mutation($input: SubmitChatInput!) { submitChat(input: $input) { id } }',
      {
        input: {
          messages: [
            { role: 'user', content: 'hi' },
            { role: 'user', content: 'x\ud800' },
          ],
        },
      },
      alice.token,
    );
    assert.equal(codeOf(nestedInput), 'BAD_USER_INPUT');
    const inlineList = await gql(
      server.url,
      'mutation { submitChat(input: { messages: [{ role: "user", content: "ok\\u0000" }] }) { id } }',
      {},
      alice.token,
    );
    assert.equal(codeOf(inlineList), 'BAD_USER_INPUT');
    let deep: unknown = 'bottom\u0000';
    for (let i = 0; i < 1000; i++) deep = { d: [deep] };
    const TASK = 'mutation($a: JSON!) { saveTaskAnswers(taskId: "t1", answers: $a) { id } }';
    assert.equal(codeOf(await gql(server.url, TASK, { a: deep })), 'BAD_USER_INPUT');
    assert.equal(codeOf(await gql(server.url, TASK, { a: { 'key\u0000': 1 } })), 'BAD_USER_INPUT');
    const inlineJson = await gql(
      server.url,
      'mutation { saveTaskAnswers(taskId: "t1", answers: { a: ["ok", { b: "\\u0000" }] }) { id } }',
    );
    assert.equal(codeOf(inlineJson), 'BAD_USER_INPUT');
    // graphql-js's lexer already refuses a lone surrogate escape in a literal.
    const surrogate = await gql(server.url, 'mutation { saveTaskAnswers(taskId: "t1", answers: ["\\ud800"]) { id } }');
    assert.equal(codeOf(surrogate), 'GRAPHQL_PARSE_FAILED');
  });

  test('tab, line breaks and characters beyond the BMP pass, exactly as sent', async () => {
    const body = 'tab\there\nnew line\r\nemoji 😀 and ü, 中文';
    const sent = await gql<{ sendMessage: { body: string } }>(server.url, SEND, { to: bob.user.id, body }, alice.token);
    assert.equal(sent.errors, undefined);
    assert.equal(sent.data?.sendMessage.body, body);
  });

  test('more than 50 invalid list items answer BAD_USER_INPUT (variables) or GRAPHQL_VALIDATION_FAILED (literals)', async () => {
    const MARK = 'mutation($ids: [ID!]!) { markRead(messageIds: $ids) }';
    const items = Array.from({ length: 60 }, () => ({ not: 'an id' }));
    const variables = await gql(server.url, MARK, { ids: items }, alice.token);
    assert.equal(variables.status, 400);
    assert.ok(variables.errors?.length);
    for (const error of variables.errors ?? []) assert.equal(error.extensions?.code, 'BAD_USER_INPUT', error.message);
    const literal = await gql(
      server.url,
      `mutation { markRead(messageIds: [${'{a: 1} '.repeat(120)}]) }`,
      {},
      alice.token,
    );
    assert.ok(literal.errors?.some((e) => /Too many validation errors/.test(e.message)));
    for (const error of literal.errors ?? []) assert.equal(error.extensions?.code, 'GRAPHQL_VALIDATION_FAILED');

    const socket = connect(server.wsUrl, alice.token);
    for (const error of await wsErrors(socket, MARK, { ids: items }))
      assert.equal(error.extensions?.code, 'BAD_USER_INPUT', error.message);
    const wsLiteral = await wsErrors(socket, `mutation { markRead(messageIds: [${'{a: 1} '.repeat(120)}]) }`);
    assert.ok(wsLiteral.some((e) => /Too many validation errors/.test(e.message)));
    for (const error of wsLiteral) assert.equal(error.extensions?.code, 'GRAPHQL_VALIDATION_FAILED');
    socket.client.dispose();
  });

  test('over WebSocket: bad text is BAD_USER_INPUT and nothing is stored; errors are coded and masked as over HTTP', async () => {
    const socket = connect(server.wsUrl, alice.token);
    await socket.connected;
    for (const [name, text] of Object.entries(badTexts)) {
      const errors = await wsErrors(socket, SEND, { to: bob.user.id, body: text });
      assert.equal(errors[0]?.extensions?.code, 'BAD_USER_INPUT', name);
    }
    const literal = await wsErrors(socket, 'subscription { jobUpdated(id: "\\u0000") { id } }');
    assert.equal(literal[0]?.extensions?.code, 'BAD_USER_INPUT');
    // Errors of a subscription (thrown by its source) and of a query over the socket carry a code.
    const unknownJob = await wsErrors(socket, 'subscription($id: ID!) { jobUpdated(id: $id) { id } }', {
      id: randomUUID(),
    });
    assert.equal(unknownJob[0]?.extensions?.code, 'NOT_FOUND', JSON.stringify(unknownJob));
    const malformedId = await wsErrors(socket, 'subscription { jobUpdated(id: "not-a-uuid") { id } }');
    assert.equal(malformedId[0]?.extensions?.code, 'BAD_USER_INPUT', JSON.stringify(malformedId));
    const forbidden = await wsErrors(socket, '{ onlineUsers { user { id } } }');
    assert.equal(forbidden[0]?.extensions?.code, 'FORBIDDEN');
    const unknownField = await wsErrors(socket, '{ nope }');
    assert.equal(unknownField[0]?.extensions?.code, 'GRAPHQL_VALIDATION_FAILED');
    const noOperation = await wsErrors(socket, 'query A { me { id } } query B { me { id } }');
    assert.ok(noOperation[0]?.extensions?.code, JSON.stringify(noOperation));
    socket.client.dispose();
    const stored = await gql<{ conversation: { messages: { body: string }[] } }>(
      server.url,
      'query($id: ID!) { conversation(withUserId: $id) { messages { body } } }',
      { id: bob.user.id },
      alice.token,
    );
    assert.ok(stored.data?.conversation.messages.every((m) => !Object.values(badTexts).includes(m.body)));
  });
});
