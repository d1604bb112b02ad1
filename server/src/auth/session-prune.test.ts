import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Client } from 'pg';
import { codeOf, gql, register } from '../test/graphql-client';
import { type ServerProcess, startServer, testEnv, uniqueName } from '../test/server-process';
import { pollUntil } from '../test/wait-for';

async function sessionsOf(userId: string): Promise<number> {
  const db = new Client({ connectionString: process.env.TEST_DATABASE_URL });
  await db.connect();
  try {
    const { rows } = await db.query('SELECT count(*)::int AS n FROM "Session" WHERE "userId" = $1', [userId]);
    return rows[0].n as number;
  } finally {
    await db.end();
  }
}

for (const mode of ['redis', 'single-node'] as const) {
  describe(`sessions in Postgres (${mode})`, () => {
    let server: ServerProcess;
    before(async () => {
      // 2-second tokens, pruned every second.
      server = await startServer(testEnv(mode, { JWT_TTL_SECONDS: '2', SESSION_PRUNE_SECONDS: '1' }));
    });
    after(() => server.stop());

    test('expired sessions are deleted from Postgres, and their tokens stay refused', async () => {
      const user = await register(server.url, uniqueName('prune'));
      assert.equal(await sessionsOf(user.user.id), 1);
      assert.equal((await gql(server.url, '{ me { id } }', {}, user.token)).data?.me.id, user.user.id);
      await pollUntil(async () => ((await sessionsOf(user.user.id)) === 0 ? true : undefined), 15_000);
      assert.equal(codeOf(await gql(server.url, '{ me { id } }', {}, user.token)), 'UNAUTHENTICATED');
    });
  });
}
