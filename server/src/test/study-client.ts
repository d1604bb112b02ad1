import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { type GraphQLResponse, gql, register } from './graphql-client';
import { uniqueName } from './server-process';

export const PARTICIPATION_FIELDS =
  'id token studySlug participantId condition status currentTask consentedAt completedAt deadline completionCode completionUrl progress';
export const START = `mutation($input: StartParticipationInput!) {
  startParticipation(input: $input) { ${PARTICIPATION_FIELDS} study { tasks { id chat questions { id } } } }
}`;
export const CONSENT = `mutation { giveConsent { ${PARTICIPATION_FIELDS} } }`;
export const DECLINE = `mutation { declineConsent { ${PARTICIPATION_FIELDS} } }`;
export const WITHDRAW = `mutation { withdrawParticipation { ${PARTICIPATION_FIELDS} } }`;
export const ME = `{ myParticipation { ${PARTICIPATION_FIELDS} } }`;
export const TASK = `mutation($task: String!, $answers: JSON!, $complete: Boolean) {
  saveTaskAnswers(taskId: $task, answers: $answers, complete: $complete) { ${PARTICIPATION_FIELDS} }
}`;
export const SAVE = `mutation($input: SaveParticipationInput!) {
  saveParticipation(input: $input) { saved alreadyExisted completionCode completionUrl score scoreTotal }
}`;
export const CHECK =
  'query($slug: String!, $pid: String!) { checkParticipation(studySlug: $slug, participantId: $pid) }';

/** A Prolific-like participant id (24 hexadecimal digits), new on every call. */
export const prolificId = () => randomBytes(12).toString('hex');
export const newPid = prolificId;
/** A browser's resume secret. */
export const resumeSecret = () => randomBytes(24).toString('base64url');

export interface Participant {
  id: string;
  token: string;
  participantId: string;
  resumeSecret: string;
  condition: string | null;
  status: string;
  deadline: string | null;
  [field: string]: unknown;
}

/** Writes study files (JSON) into a new temporary directory, for STUDIES_DIR. */
export async function studiesDir(files: Record<string, unknown>): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'parley-studies-'));
  for (const [name, content] of Object.entries(files)) await writeFile(path.join(dir, name), JSON.stringify(content));
  return dir;
}

export function startParticipation(url: string, studySlug: string, input: Record<string, unknown> = {}) {
  return gql(url, START, { input: { studySlug, participantId: prolificId(), resumeSecret: resumeSecret(), ...input } });
}

/** A participant who opened the link (OPENED), with their resume secret. */
export async function openLink(url: string, studySlug: string, input: Record<string, unknown> = {}) {
  const full = { participantId: prolificId(), resumeSecret: resumeSecret(), ...input };
  const res = await gql(url, START, { input: { studySlug, ...full } });
  const p = res.data?.startParticipation;
  if (!p) throw new Error(`startParticipation failed: ${JSON.stringify(res.errors)}`);
  return { ...p, participantId: full.participantId, resumeSecret: full.resumeSecret } as Participant;
}

/** A participant who consented (STARTED), with the token issued at consent. */
export async function consented(url: string, studySlug: string, input: Record<string, unknown> = {}) {
  const opened = await openLink(url, studySlug, input);
  const res = await gql(url, CONSENT, {}, opened.token);
  const p = res.data?.giveConsent;
  if (!p) throw new Error(`giveConsent failed: ${JSON.stringify(res.errors)}`);
  return { ...opened, ...p } as Participant;
}

/** Completes tasks in order with the given answers; throws on the first refusal. */
export async function completeTasks(url: string, token: string, tasks: [string, Record<string, unknown>][]) {
  let last: Participant | undefined;
  for (const [task, answers] of tasks) {
    const res = await gql(url, TASK, { task, answers, complete: true }, token);
    if (!res.data?.saveTaskAnswers) throw new Error(`${task}: ${JSON.stringify(res.errors)}`);
    last = res.data.saveTaskAnswers;
  }
  return last;
}

export const reasonOf = (res: GraphQLResponse<unknown>) => res.errors?.[0]?.extensions?.reason;

/** Runs one query on the test database. */
export async function sql<T = Record<string, unknown>>(text: string, values: unknown[] = []): Promise<T[]> {
  const db = new Client({ connectionString: process.env.TEST_DATABASE_URL });
  await db.connect();
  try {
    return (await db.query(text, values)).rows as T[];
  } finally {
    await db.end();
  }
}

/** The claims of a JWT, read without verifying (the test only inspects what the server issued). */
export function jwtClaims(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'));
}

/** A new participant of `slug` with a token that acts as them: consented (STARTED) unless told not to. */
export function newParticipant(url: string, slug: string, consent = true): Promise<Participant> {
  return consent ? consented(url, slug) : openLink(url, slug);
}

/** A user with the RESEARCHER role (granted by `npm run user:grant`), logged in. */
export function newResearcher(url: string, username = uniqueName('res')): Promise<string> {
  return newUserWithRole(url, 'researcher', username);
}

/** A user with the ADMIN role (granted by `npm run user:grant`), logged in. */
export function newAdmin(url: string, username = uniqueName('adm')): Promise<string> {
  return newUserWithRole(url, 'admin', username);
}

async function newUserWithRole(url: string, role: 'researcher' | 'admin', username: string): Promise<string> {
  const user = await register(url, username);
  // Asynchronously: a blocked event loop would miss the server closing an idle keep-alive socket, and the
  // next request on it would fail with "other side closed".
  await promisify(execFile)(
    process.execPath,
    [path.resolve(__dirname, '../auth/grant-cli.js'), user.user.username, role],
    { env: { ...process.env, DATABASE_URL: process.env.TEST_DATABASE_URL } },
  );
  const login = await gql(url, 'mutation($u: String!) { login(username: $u, password: "correct-horse") { token } }', {
    u: user.user.username,
  });
  return login.data?.login.token;
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
