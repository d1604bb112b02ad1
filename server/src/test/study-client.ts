import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { gql, register } from './graphql-client';
import { uniqueName } from './server-process';

/** A Prolific-like participant id (24 hex characters), new on every call. */
export const newPid = () => randomBytes(12).toString('hex');

/** A directory of study files, for STUDIES_DIR. */
export async function studiesDir(files: Record<string, unknown>): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'parley-studies-'));
  for (const [name, content] of Object.entries(files)) await writeFile(path.join(dir, name), JSON.stringify(content));
  return dir;
}

export interface Participant {
  id: string;
  token: string;
  participantId: string;
}

/** A new participant of `slug`, who consented unless told not to. */
export async function newParticipant(url: string, slug: string, consent = true): Promise<Participant> {
  const participantId = newPid();
  const res = await gql(
    url,
    'mutation($input: StartParticipationInput!) { startParticipation(input: $input) { id token } }',
    { input: { studySlug: slug, participantId } },
  );
  const p = res.data?.startParticipation;
  if (!p) throw new Error(`startParticipation failed: ${JSON.stringify(res.errors)}`);
  if (consent) await gql(url, 'mutation { giveConsent { consentedAt } }', {}, p.token);
  return { id: p.id, token: p.token, participantId };
}

/** A user with the RESEARCHER role (granted by `npm run user:grant`), logged in. */
export async function newResearcher(url: string): Promise<string> {
  const researcher = await register(url, uniqueName('res'));
  execFileSync(
    process.execPath,
    [path.resolve(__dirname, '../auth/grant-cli.js'), researcher.user.username, 'researcher'],
    { env: { ...process.env, DATABASE_URL: process.env.TEST_DATABASE_URL } },
  );
  const login = await gql(url, 'mutation($u: String!) { login(username: $u, password: "correct-horse") { token } }', {
    u: researcher.user.username,
  });
  return login.data?.login.token;
}

/** One query against the test database, for checking what was stored. */
export async function sql<T = Record<string, unknown>>(text: string, params: unknown[] = []): Promise<T[]> {
  const db = new Client({ connectionString: process.env.TEST_DATABASE_URL });
  await db.connect();
  try {
    return (await db.query(text, params)).rows as T[];
  } finally {
    await db.end();
  }
}

/** A model message as the fake server received it, or a turn as exported: role, text and images. */
export interface SeenTurn {
  role: string;
  text: string;
  images: string[];
}

type Part = { type: string; text?: string; image_url?: { url: string } };

export function seenByModel(message: { role: string; content: unknown }): SeenTurn {
  if (typeof message.content === 'string') return { role: message.role, text: message.content, images: [] };
  const parts = message.content as Part[];
  return {
    role: message.role,
    text: parts.map((p) => p.text ?? '').join(''),
    images: parts.filter((p) => p.type === 'image_url').map((p) => p.image_url?.url ?? ''),
  };
}

/** Polls until `check` returns a value (not undefined), or fails after the deadline. */
export async function eventually<T>(check: () => Promise<T | undefined>, what: string, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await check();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}
