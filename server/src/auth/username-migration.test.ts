import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { Client } from 'pg';
import { createDatabase, dropDatabase, withDatabase } from '../db/admin-url';
import { prismaDir } from '../db/migrations';

const MIGRATION = 'usernames_case_insensitive';

test('the case-insensitive username migration keeps clashing accounts usable: a bot, else the oldest, keeps the name', async () => {
  const server = process.env.TEST_DATABASE_URL;
  assert.ok(server, 'run with npm run test:server');
  const scratch = `parley_usernames_${process.pid}`;
  await createDatabase(server, scratch);
  const db = new Client({ connectionString: withDatabase(server, scratch) });
  await db.connect();
  try {
    const dirs = (await readdir(path.join(prismaDir, 'migrations'))).filter((d) => /^\d+_/.test(d)).sort();
    const mine = dirs.findIndex((d) => d.endsWith(`_${MIGRATION}`));
    assert.ok(mine > 0);
    const sql = (dir: string) => readFile(path.join(prismaDir, 'migrations', dir, 'migration.sql'), 'utf8');
    // Statement by statement, as the migration engine runs them: an enum value added by one statement
    // may be used by the next only once it is committed.
    for (const dir of dirs.slice(0, mine)) {
      for (const statement of (await sql(dir)).split(/;\s*$/m)) {
        if (statement.replace(/--.*$/gm, '').trim()) await db.query(statement);
      }
    }

    const insert = `INSERT INTO "User" (id, username, "passwordHash", "isBot", "createdAt")
      VALUES (gen_random_uuid(), $1, 'x', $2, now() - make_interval(days => $3)) RETURNING id`;
    const id = async (name: string, isBot: boolean, daysAgo: number) =>
      (await db.query(insert, [name, isBot, daysAgo])).rows[0].id as string;
    const oldAlice = await id('alice', false, 3);
    const newAlice = await id('Alice', false, 1);
    const person = await id('chatgpt', false, 9);
    const bot = await id('ChatGPT', true, 1);
    const bob = await id('bob', false, 1);

    await db.query(await sql(dirs[mine] as string));
    const names = new Map(
      (await db.query('SELECT id, username FROM "User"')).rows.map((r: { id: string; username: string }) => [
        r.id,
        r.username,
      ]),
    );
    assert.equal(names.get(oldAlice), 'alice');
    assert.equal(names.get(newAlice), `Alice-${newAlice.slice(0, 8)}`);
    assert.equal(names.get(bot), 'ChatGPT');
    assert.equal(names.get(person), `chatgpt-${person.slice(0, 8)}`);
    assert.equal(names.get(bob), 'bob');
    // From now on names compare without case, and a clash is refused by the database itself.
    assert.equal((await db.query(`SELECT id FROM "User" WHERE username = 'ALICE'`)).rows[0]?.id, oldAlice);
    await assert.rejects(db.query(insert, ['BOB', false, 0]), /duplicate key/);
  } finally {
    await db.end();
    await dropDatabase(server, scratch);
  }
});
