import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { codeOf, gql, register } from '../test/graphql-client';
import { type ServerProcess, startServer, testEnv, uniqueName } from '../test/server-process';

const PAGE = 'query($s: String, $a: String, $l: Int) { contacts(search: $s, after: $a, limit: $l) { username } }';
const BY_IDS = 'query($ids: [ID!]!) { users(ids: $ids) { id username } }';

describe('the contact list is paged and searchable', () => {
  let server: ServerProcess;
  before(async () => {
    server = await startServer(testEnv('single-node'));
  });
  after(() => server.stop());

  test('search finds names containing the text, a page at a time, in name order', async () => {
    const tag = uniqueName('dir').replace('_', '');
    const names = ['c', 'a', 'e', 'b', 'd'].map((x) => `${x}_${tag}`);
    const users = [];
    for (const name of names) users.push(await register(server.url, name));
    const token = users[0]!.token;
    const first = (await gql(server.url, PAGE, { s: tag.toUpperCase(), l: 2 }, token)).data?.contacts;
    // Not the viewer (c_…) themself; any case matches.
    assert.deepEqual(
      first.map((u: { username: string }) => u.username),
      [`a_${tag}`, `b_${tag}`],
    );
    const next = (await gql(server.url, PAGE, { s: tag, a: `b_${tag}`, l: 2 }, token)).data?.contacts;
    assert.deepEqual(
      next.map((u: { username: string }) => u.username),
      [`d_${tag}`, `e_${tag}`],
    );
    // Wildcards are plain characters.
    assert.deepEqual((await gql(server.url, PAGE, { s: '%' }, token)).data?.contacts, []);
    assert.deepEqual((await gql(server.url, PAGE, { s: `${tag.slice(0, 3)}_%` }, token)).data?.contacts, []);
  });

  test('out-of-range limits, a huge search and anonymous callers are refused', async () => {
    const { token } = await register(server.url, uniqueName('dirx'));
    for (const variables of [{ l: 0 }, { l: 201 }, { s: 'x'.repeat(65) }, { a: 'y'.repeat(65) }]) {
      assert.equal(codeOf(await gql(server.url, PAGE, variables, token)), 'BAD_USER_INPUT', JSON.stringify(variables));
    }
    assert.equal(codeOf(await gql(server.url, PAGE, {})), 'UNAUTHENTICATED');
  });

  test('users(ids) answers the accounts of open conversations wherever they are in the list', async () => {
    const tag = uniqueName('ids').replace('_', '');
    const [viewer, b, a] = [
      await register(server.url, `z_${tag}`),
      await register(server.url, `b_${tag}`),
      await register(server.url, `a_${tag}`),
    ];
    const missing = '00000000-0000-4000-8000-000000000000';
    const res = await gql(
      server.url,
      BY_IDS,
      { ids: [b.user.id, missing, a.user.id.toUpperCase(), b.user.id] },
      viewer.token,
    );
    assert.deepEqual(
      res.data?.users,
      [
        { id: a.user.id, username: `a_${tag}` },
        { id: b.user.id, username: `b_${tag}` },
      ],
      'found ones by name, once each; an unknown id is left out',
    );
    assert.deepEqual((await gql(server.url, BY_IDS, { ids: [] }, viewer.token)).data?.users, []);
    assert.equal(codeOf(await gql(server.url, BY_IDS, { ids: ['not-an-id'] }, viewer.token)), 'BAD_USER_INPUT');
    const tooMany = Array.from({ length: 201 }, () => missing);
    assert.equal(codeOf(await gql(server.url, BY_IDS, { ids: tooMany }, viewer.token)), 'BAD_USER_INPUT');
    assert.equal(codeOf(await gql(server.url, BY_IDS, { ids: [a.user.id] })), 'UNAUTHENTICATED');
  });
});
