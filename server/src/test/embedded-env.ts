import assert from 'node:assert/strict';
import { chmod, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gql } from './graphql-client';
import { type ServerProcess, testEnv, uniqueName } from './server-process';

// A free port range of its own, away from the default 54329 another checkout may hold.
/** A fresh cluster (initdb, migrations, demo users) on a busy machine takes longer than a plain start. */
export const START_MS = 60_000;

export const FIRST_PORT = String(45_000 + Math.floor(Math.random() * 10_000));

/** A DATA_DIR under a fresh parent folder with the given mode. */
export async function dataDir(parentMode: number): Promise<string> {
  const parent = await mkdtemp(path.join(tmpdir(), 'parley-embedded-'));
  await chmod(parent, parentMode);
  return path.join(parent, 'data');
}

/** The server with no DATABASE_URL, so it starts the embedded PostgreSQL under `dir`. */
export function embeddedEnv(dir: string): Record<string, string> {
  const { DATABASE_URL: _, ...env } = testEnv('single-node', { DATA_DIR: dir, EMBEDDED_PG_PORT: FIRST_PORT });
  return env;
}

export const portOf = (server: ServerProcess) =>
  Number(/"port":(\d+),"msg":"embedded PostgreSQL started/.exec(server.output())?.[1]);

export async function works(server: ServerProcess) {
  const name = uniqueName('emb');
  const res = await gql(
    server.url,
    'mutation($u: String!) { register(username: $u, password: "long-password") { user { username } } }',
    {
      u: name,
    },
  );
  assert.equal(res.data?.register.user.username, name, JSON.stringify(res.errors));
}
