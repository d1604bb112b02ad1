import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { parse } from 'graphql';
import { connect, register, type Socket, subscribe } from '../test/graphql-client';
import { type ServerProcess, startServer, testEnv, uniqueName } from '../test/server-process';
import { waitFor } from '../test/wait-for';
import { fanOutDocument } from './armour-documents';
import { DocumentCache } from './document-cache';

type Result = { data?: Record<string, any> | null; errors?: { extensions?: Record<string, unknown> }[] };

/** The first result of one operation on the socket (a query answers once). */
async function once(socket: Socket, query: string, variables: Record<string, unknown>, operationName?: string) {
  const results = socket.client.iterate({ query, variables, operationName });
  try {
    const { value } = await results.next();
    return value as Result;
  } catch (errors) {
    // A refusal before execution arrives as graphql-ws's error message: the iterator throws the errors.
    if (Array.isArray(errors)) return { errors } as Result;
    throw errors;
  } finally {
    await results.return?.();
  }
}

describe('WebSocket document cache (redis)', () => {
  let server: ServerProcess;
  before(async () => {
    server = await startServer(testEnv('redis', { GRAPHQL_DOCUMENT_CACHE_SIZE: '2' }));
  });
  after(() => server.stop());

  const conversation = 'query Q($w: ID!) { conversation(withUserId: $w) { hasMore messages { id } } }';

  test('a cached document still has each subscribe’s variables checked, 40 at once', async () => {
    const [me, other] = await Promise.all([
      register(server.url, uniqueName('dc')),
      register(server.url, uniqueName('dc')),
    ]);
    const socket = connect(server.wsUrl, me.token);
    await socket.connected;
    // The first valid use caches the document; the rest hit the cache with their own variables.
    assert.equal((await once(socket, conversation, { w: other.user.id })).data?.conversation.hasMore, false);
    const variables = (i: number) =>
      i % 3 === 0 ? { w: other.user.id } : i % 3 === 1 ? { w: `${other.user.id}\u0000` } : { w: { not: 'an id' } };
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => once(socket, conversation, variables(i))));
    results.forEach((result, i) => {
      if (i % 3 === 0) assert.deepEqual(result.data?.conversation, { hasMore: false, messages: [] }, `#${i}`);
      else {
        assert.equal(result.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT', `#${i}`);
        assert.equal(result.errors?.[0]?.extensions?.reason, i % 3 === 1 ? 'INVALID_TEXT' : 'INVALID_VARIABLE');
      }
    });
    socket.client.dispose();
  });

  test('one cached text with two operations runs the one named; a refused document stays refused', async () => {
    const me = await register(server.url, uniqueName('dc'));
    const socket = connect(server.wsUrl, me.token);
    await socket.connected;
    const two = 'query A { me { id } } query B { me { username } }';
    assert.deepEqual((await once(socket, two, {}, 'A')).data, { me: { id: me.user.id } });
    assert.deepEqual((await once(socket, two, {}, 'B')).data, { me: { username: me.user.username } });
    assert.equal((await once(socket, two, {}, 'C')).errors?.[0]?.extensions?.code, 'OPERATION_RESOLUTION_FAILURE');
    for (let i = 0; i < 3; i++) {
      const sub = subscribe(socket, fanOutDocument());
      const errors = await waitFor(() => sub.errors[0] as { extensions?: { code?: string } }[] | undefined);
      assert.equal(errors[0]?.extensions?.code, 'GRAPHQL_VALIDATION_FAILED', `attempt ${i}`);
    }
    // More distinct documents than the cache holds (2): evicted ones are validated again and still run.
    for (const field of ['id', 'username', 'role', 'id', 'username']) {
      const result = await once(socket, `{ me { ${field} } }`, {});
      assert.ok(result.data?.me[field], field);
    }
    socket.client.dispose();
  });
});

describe('DocumentCache', () => {
  test('keeps the most recently used, evicts the least, skips long texts and capacity 0', () => {
    const cache = new DocumentCache(2);
    const doc = (q: string) => parse(q);
    cache.set('{ a }', doc('{ a }'));
    cache.set('{ b }', doc('{ b }'));
    assert.ok(cache.get('{ a }'));
    cache.set('{ c }', doc('{ c }'));
    assert.equal(cache.get('{ b }'), undefined, 'b was least recently used');
    assert.ok(cache.get('{ a }'));
    assert.ok(cache.get('{ c }'));
    const long = `{ ${'a '.repeat(10_000)}}`;
    cache.set(long, doc('{ a }'));
    assert.equal(cache.get(long), undefined);
    assert.equal(cache.size, 2);
    const off = new DocumentCache(0);
    off.set('{ a }', doc('{ a }'));
    assert.equal(off.size, 0);
  });
});
