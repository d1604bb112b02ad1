// Writes the next migration (prisma/migrations/<timestamp>_<name>/migration.sql), as `prisma migrate dev
// --create-only` would: the SQL is the diff from prisma/schema.prisma as committed (git HEAD) to the
// working copy, and is proven on a scratch database with every migration applied.
// Usage: npm run db:migration -- <name>
import { execFileSync } from 'node:child_process';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createDatabase, dropDatabase, withDatabase } from './admin-url';
import { applyMigrations, diffSchemas, prismaDir } from './migrations';

function committedSchema(): string {
  try {
    return execFileSync('git', ['show', 'HEAD:prisma/schema.prisma'], { cwd: prismaDir, encoding: 'utf8' });
  } catch {
    throw new Error('Cannot read prisma/schema.prisma at git HEAD, the starting point of the diff.');
  }
}

async function main() {
  const name = (process.argv[2] ?? '').replace(/[^a-z0-9_]/gi, '_');
  if (!name) throw new Error('usage: npm run db:migration -- <name>');
  const server = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
  const scratch = `parley_migration_${process.pid}`;
  await createDatabase(server, scratch);
  try {
    const url = withDatabase(server, scratch);
    const hasMigrations = (await readdir(path.join(prismaDir, 'migrations')).catch(() => [])).length > 0;
    const previous = hasMigrations ? committedSchema() : null;
    const sql = await diffSchemas(url, previous);
    if (!sql.trim() || sql.includes('This is an empty migration')) {
      console.log('prisma/schema.prisma has not changed since the last commit: nothing to write.');
      return;
    }
    const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
    const dir = path.join(prismaDir, 'migrations', `${stamp}_${name}`);
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, 'migration.sql'), sql);
    await writeFile(path.join(prismaDir, 'migrations', 'migration_lock.toml'), 'provider = "postgresql"\n');
    try {
      await applyMigrations(url);
    } catch (error) {
      await rm(dir, { recursive: true });
      throw new Error(
        `The new migration does not apply after the others: ${error instanceof Error ? error.message : error}`,
      );
    }
    console.log(`Wrote ${path.relative(process.cwd(), dir)}/migration.sql`);
  } finally {
    await dropDatabase(server, scratch);
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
