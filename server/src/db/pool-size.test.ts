import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Client } from 'pg';
import { ConfigError, loadConfig } from '../config';
import { gql, register } from '../test/graphql-client';
import { sample, scrape } from '../test/metrics-client';
import { startServer, testEnv, uniqueName } from '../test/server-process';
import { sql } from '../test/sql';
import { pollUntil } from '../test/wait-for';

const HISTORY = 'query($with: ID!) { conversation(withUserId: $with) { messages { id } } }';
const POOL = 2;
const READS = 40;

describe('DATABASE_POOL_SIZE', () => {
  test('is checked at start-up: a whole number from 1, 10 when unset', () => {
    assert.equal(loadConfig({}).DATABASE_POOL_SIZE, 10);
    assert.equal(loadConfig({ DATABASE_POOL_SIZE: '3' }).DATABASE_POOL_SIZE, 3);
    for (const value of ['0', '-1', '2.5', 'many'])
      assert.throws(() => loadConfig({ DATABASE_POOL_SIZE: value }), ConfigError, value);
  });

  for (const mode of ['redis', 'single-node'] as const) {
    test(`${mode}: 40 reads held up by a lock wait on that many connections, the rest queue; all answer`, async () => {
      const server = await startServer(testEnv(mode, { DATABASE_POOL_SIZE: String(POOL) }));
      const locker = new Client({ connectionString: process.env.TEST_DATABASE_URL });
      await locker.connect();
      try {
        const [alice, bob] = await Promise.all([
          register(server.url, uniqueName('pool')),
          register(server.url, uniqueName('pool')),
        ]);
        // Every conversation read now blocks inside PostgreSQL, holding its connection.
        await locker.query('BEGIN');
        await locker.query('LOCK TABLE "Message" IN ACCESS EXCLUSIVE MODE');
        const reads = Promise.all(
          Array.from({ length: READS }, () => gql(server.url, HISTORY, { with: bob.user.id }, alice.token)),
        );
        // All the reads are in: those without a connection wait in the pool.
        let last = '';
        const text = await pollUntil(async () => {
          last = (await scrape(server.url)).text;
          return sample(last, 'parley_db_waiting_statements') >= READS - POOL ? last : undefined;
        }, 15_000).catch(() =>
          assert.fail(`never ${READS - POOL} waiting: ${last.split('\n').filter((l) => l.startsWith('parley_db'))}`),
        );
        assert.equal(sample(text, 'parley_db_connections', { state: 'busy' }), POOL);
        const held = await sql<{ n: number }>(
          'SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1',
          [`parley:${server.child.pid}`],
        );
        assert.equal(held[0]?.n, POOL, 'connections the process holds');
        await locker.query('COMMIT');
        const results = await reads;
        assert.deepEqual(
          results.map((r) => (r.errors ? JSON.stringify(r.errors) : 'ok')),
          Array(READS).fill('ok'),
        );
      } finally {
        await locker.end();
        await server.stop();
      }
    });
  }
});
