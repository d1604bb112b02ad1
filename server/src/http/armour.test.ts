import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { getIntrospectionQuery } from 'graphql';
import { Client } from 'pg';
import { codeOf, connect, gql, register, subscribe } from '../test/graphql-client';
import { type ServerMode, type ServerProcess, startServer, testEnv, uniqueName } from '../test/server-process';
import { waitFor } from '../test/wait-for';
import { aliased, deepIntrospection, fanOutDocument, fragmentCycle, missingFragment } from './armour-documents';

const reasonOf = (res: { errors?: { extensions?: Record<string, unknown> }[] }) => res.errors?.[0]?.extensions?.reason;
const stackLine = /\n\s+at .+:\d+:\d+/;

async function participationsLike(prefix: string): Promise<number> {
  const db = new Client({ connectionString: process.env.TEST_DATABASE_URL });
  await db.connect();
  try {
    const rows = await db.query('SELECT count(*)::int AS n FROM "Participation" WHERE "participantId" LIKE $1', [
      `${prefix}%`,
    ]);
    return rows.rows[0].n as number;
  } finally {
    await db.end();
  }
}

for (const mode of ['redis', 'single-node'] as ServerMode[]) {
  describe(`query armour with the default limits (${mode})`, () => {
    let server: ServerProcess;
    before(async () => {
      server = await startServer(testEnv(mode));
    });
    after(() => server.stop());

    test('fan-out documents are refused at validation while /healthz answers, also 40 at once', async () => {
      // The 746-byte document (10^9 fields once expanded; it froze the process for 10 s), and one whose
      // expansion (10^30 fields) no process could ever walk: only validation that prices each fragment once
      // refuses it. Speed itself is measured by `npm run bench`, not asserted here.
      const small = fanOutDocument();
      assert.ok(small.length < 800, `${small.length} bytes`);
      const huge = fanOutDocument(30);
      for (const doc of [small, huge]) {
        const [result, health] = await Promise.all([gql(server.url, doc), fetch(`${server.url}/healthz`)]);
        assert.equal(codeOf(result), 'GRAPHQL_VALIDATION_FAILED');
        assert.equal(reasonOf(result), 'MAX_COST');
        assert.equal(health.status, 200);
      }
      const result = await Promise.all([
        ...Array.from({ length: 40 }, () => gql(server.url, huge)),
        fetch(`${server.url}/healthz`),
      ]);
      for (const res of result.slice(0, 40)) assert.equal(codeOf(res as { errors?: [] }), 'GRAPHQL_VALIDATION_FAILED');
      assert.equal((result[40] as Response).status, 200);
    });

    test('a fragment cycle and a missing fragment answer GRAPHQL_VALIDATION_FAILED, no 500 and no stack', async () => {
      for (const doc of [fragmentCycle, missingFragment]) {
        const res = await gql(server.url, doc);
        assert.equal(codeOf(res), 'GRAPHQL_VALIDATION_FAILED', doc);
        assert.equal(res.status, 400);
      }
      assert.doesNotMatch(server.output(), stackLine);
    });

    test('20,000 aliased checkParticipation and 500 aliased startParticipation are refused before they run', async () => {
      const checks = aliased(
        20_000,
        () => 'checkParticipation(studySlug:"demo",participantId:"abcdefabcdefabcdefabcdef")',
      );
      const refused = await gql(server.url, checks);
      assert.equal(refused.status, 400);
      assert.equal(codeOf(refused), 'GRAPHQL_PARSE_FAILED', 'the token limit stops it first');

      // Prolific-shaped ids (24 hex digits): 20 random, then the alias's number.
      const prefix = randomBytes(10).toString('hex');
      const starts = aliased(
        500,
        (i) =>
          `startParticipation(input:{studySlug:"demo",participantId:"${prefix}${String(i).padStart(4, '0')}"}){id}`,
        'mutation',
      );
      const res = await gql(server.url, starts);
      assert.ok(
        ['GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED'].includes(String(codeOf(res))),
        String(codeOf(res)),
      );
      assert.equal(res.data, undefined);
      // 21 aliases fit the token limit: the alias limit refuses them.
      const some = await gql(server.url, starts.split(' ').slice(0, 21).join(' ').concat('}'));
      assert.equal(codeOf(some), 'GRAPHQL_VALIDATION_FAILED');
      assert.equal(reasonOf(some), 'MAX_ALIASES');
      assert.equal(await participationsLike(prefix), 0, 'no participation was created');
    });

    test('the standard introspection query (GraphiQL) passes; depth, aliases and directives have limits', async () => {
      const full = getIntrospectionQuery({
        descriptions: true,
        specifiedByUrl: true,
        directiveIsRepeatable: true,
        schemaDescription: true,
        inputValueDeprecation: true,
        oneOf: true,
      });
      const schema = await gql<{ __schema: { types: unknown[] } }>(server.url, full);
      assert.equal(schema.errors, undefined);
      assert.ok((schema.data?.__schema.types.length ?? 0) > 20);

      assert.equal((await gql(server.url, deepIntrospection(12))).errors, undefined);
      const deep = await gql(server.url, deepIntrospection(13));
      assert.equal(codeOf(deep), 'GRAPHQL_VALIDATION_FAILED');
      assert.equal(reasonOf(deep), 'MAX_DEPTH');
      const directives = await gql(server.url, `{ __typename ${'@include(if: true) '.repeat(31)}}`);
      assert.equal(reasonOf(directives), 'MAX_DIRECTIVES');
      assert.equal(
        (
          await gql(
            server.url,
            aliased(20, () => '__type(name:"User"){name}'),
          )
        ).errors,
        undefined,
      );
      assert.equal(
        reasonOf(
          await gql(
            server.url,
            aliased(21, () => '__type(name:"User"){name}'),
          ),
        ),
        'MAX_ALIASES',
      );
      const tokens = await gql(server.url, `{ __typename ${'__typename '.repeat(3000)}}`);
      assert.equal(codeOf(tokens), 'GRAPHQL_PARSE_FAILED');
      assert.match(tokens.errors?.[0]?.message ?? '', /tokens/);
    });

    test('the same limits hold over WebSocket, where a refusal leaves the socket open', async () => {
      const { token } = await register(server.url, uniqueName('armour'));
      const socket = connect(server.wsUrl, token);
      await socket.connected;
      const cases: [string, string][] = [
        [fanOutDocument(), 'GRAPHQL_VALIDATION_FAILED'],
        [fragmentCycle, 'GRAPHQL_VALIDATION_FAILED'],
        [missingFragment, 'GRAPHQL_VALIDATION_FAILED'],
        [aliased(21, () => '__type(name:"User"){name}'), 'GRAPHQL_VALIDATION_FAILED'],
        [deepIntrospection(13), 'GRAPHQL_VALIDATION_FAILED'],
        [`{ __typename ${'__typename '.repeat(3000)}}`, 'GRAPHQL_PARSE_FAILED'],
        ['{ me { id ', 'GRAPHQL_PARSE_FAILED'],
      ];
      for (const [doc, code] of cases) {
        const sub = subscribe(socket, doc);
        const errors = await waitFor(() => sub.errors[0] as { extensions?: { code?: string } }[] | undefined);
        assert.equal(errors[0]?.extensions?.code, code, doc.slice(0, 60));
      }
      const me = subscribe<{ me: { id: string } }>(socket, '{ me { id } }');
      assert.ok((await me.next()).me.id, 'the socket still works');
      socket.client.dispose();
      assert.doesNotMatch(server.output(), stackLine);
    });
  });
}

describe('query armour: each limit alone (redis)', () => {
  let server: ServerProcess;
  before(async () => {
    // Tokens and aliases out of the way, so that the cost limit alone must stop the flood.
    server = await startServer(
      testEnv('redis', { GRAPHQL_MAX_TOKENS: '5000000', GRAPHQL_MAX_ALIASES: '100000', GRAPHQL_MAX_DEPTH: '3' }),
    );
  });
  after(() => server.stop());

  test('the cost limit refuses 20,000 checkParticipation and 500 startParticipation; nothing is created', async () => {
    const checks = await gql(
      server.url,
      aliased(20_000, () => 'checkParticipation(studySlug:"demo",participantId:"abcdefabcdefabcdefabcdef")'),
    );
    assert.equal(reasonOf(checks), 'MAX_COST');
    const prefix = randomBytes(10).toString('hex');
    const doc = aliased(
      500,
      (i) => `startParticipation(input:{studySlug:"demo",participantId:"${prefix}${String(i).padStart(4, '0')}"}){id}`,
      'mutation',
    );
    const res = await gql(server.url, doc);
    assert.equal(reasonOf(res), 'MAX_COST');
    assert.equal(res.data, undefined);
    const ws = connect(server.wsUrl, (await register(server.url, uniqueName('cost'))).token);
    const sub = subscribe(ws, doc);
    const errors = await waitFor(() => sub.errors[0] as { extensions?: { reason?: string } }[] | undefined);
    assert.equal(errors[0]?.extensions?.reason, 'MAX_COST');
    ws.client.dispose();
    assert.equal(await participationsLike(prefix), 0);
    // Under the limit, the same mutation runs: the test above would see rows if the limit did not hold.
    const one = await gql(server.url, doc.split(' ')[0]?.concat('}') ?? '');
    assert.equal(one.errors, undefined);
    assert.equal(await participationsLike(prefix), 1);
  });

  test('GRAPHQL_MAX_DEPTH holds on HTTP and WebSocket', async () => {
    const { token, user } = await register(server.url, uniqueName('depth'));
    const query = 'query($id: ID!) { conversation(withUserId: $id) { messages { from { id } } } }';
    const deep = await gql(server.url, query, { id: user.id }, token);
    assert.equal(reasonOf(deep), 'MAX_DEPTH');
    const shallow = await gql(server.url, 'query($id: ID!) { conversation(withUserId: $id) { hasMore } }', {
      id: user.id,
    });
    assert.equal(codeOf(shallow), 'UNAUTHENTICATED', 'a shallow query passes the armour and reaches its resolver');
    const socket = connect(server.wsUrl, token);
    const tooDeep = subscribe(socket, query, { id: user.id });
    const errors = await waitFor(() => tooDeep.errors[0] as { extensions?: { reason?: string } }[] | undefined);
    assert.equal(errors[0]?.extensions?.reason, 'MAX_DEPTH');
    socket.client.dispose();
  });
});
