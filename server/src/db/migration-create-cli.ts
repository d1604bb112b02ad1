// Writes the next migration (prisma/migrations/<timestamp>_<name>/migration.sql), as `prisma migrate dev
// --create-only` would: the existing migrations are applied to a scratch database, which is diffed
// against prisma/schema.prisma. Usage: npm run db:migration -- <name>
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createDatabase, dropDatabase, withDatabase } from './admin-url';
import { applyMigrations, diffToSchema, prismaDir } from './migrations';

async function main() {
  const name = (process.argv[2] ?? '').replace(/[^a-z0-9_]/gi, '_');
  if (!name) throw new Error('usage: npm run db:migration -- <name>');
  const server = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
  const scratch = `parley_migration_${process.pid}`;
  await createDatabase(server, scratch);
  try {
    const url = withDatabase(server, scratch);
    await applyMigrations(url);
    const sql = await diffToSchema(url);
    if (!sql.trim() || sql.includes('This is an empty migration')) {
      console.log('The schema matches the migrations: nothing to write.');
      return;
    }
    const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
    const dir = path.join(prismaDir, 'migrations', `${stamp}_${name}`);
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, 'migration.sql'), sql);
    await writeFile(path.join(prismaDir, 'migrations', 'migration_lock.toml'), 'provider = "postgresql"\n');
    console.log(`Wrote ${path.relative(process.cwd(), dir)}/migration.sql`);
  } finally {
    await dropDatabase(server, scratch);
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
