import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { buildSchema } from 'graphql';
import { type FakeModelServer, startFakeModelServer } from '../test/fake-model-server';
import { type CallerKind, setUpCallers } from '../test/fuzz-callers';
import { buildOperation, type FuzzOperation, rootFields } from '../test/fuzz-operations';
import { type Outcome, overHttp, Sockets } from '../test/fuzz-transport';
import { seeded } from '../test/fuzz-values';
import { modelEnv } from '../test/jobs-client';
import { type ServerMode, type ServerProcess, startServer, testEnv } from '../test/server-process';

const SEED = 0x9a41e7;
const CALLERS: CallerKind[] = ['anonymous', 'user', 'admin', 'researcher', 'participant'];
// Operations that end a caller's session or participation run last, so the rest run with live tokens.
const LAST = new Set(['logout', 'endSessions', 'withdrawParticipation']);
const CONCURRENCY = 8;
// Each hashes a password (argon2, memory-hard, ~100 ms of a core): a few tries per caller say enough.
const ARGON2 = new Set(['login', 'register']);

/** What is wrong with an outcome, if anything: a 5xx, an error without a code, an internal error, a crashed socket. */
function problems(outcome: Outcome): string[] {
  const found: string[] = [];
  if (outcome.status !== undefined && outcome.status >= 500) found.push(`HTTP ${outcome.status}`);
  if (outcome.closedWith !== undefined) found.push(`socket closed with ${outcome.closedWith}`);
  for (const error of outcome.errors) {
    const code = error.extensions?.code;
    if (!code) found.push(`no code: ${error.message.slice(0, 120)}`);
    else if (code === 'INTERNAL_SERVER_ERROR') found.push(`INTERNAL_SERVER_ERROR: ${error.message.slice(0, 120)}`);
  }
  return found;
}

async function pool<T>(items: T[], size: number, work: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: size }, async () => {
      while (next < items.length) await work(items[next++] as T);
    }),
  );
}

for (const [mode, perFieldWithArgs] of [
  ['redis', 18],
  ['single-node', 8],
] as [ServerMode, number][]) {
  describe(`schema-driven fuzz (${mode}, seed ${SEED})`, () => {
    let server: ServerProcess;
    let fake: FakeModelServer;
    before(async () => {
      fake = await startFakeModelServer();
      server = await startServer(testEnv(mode, { ...modelEnv(fake), SEED_DEMO_USERS: 'true' }));
    });
    after(async () => {
      await server.stop();
      await fake.close();
    });

    test('every field, every kind of caller, boundary values: no 500, no INTERNAL_SERVER_ERROR, every error coded', async () => {
      const schema = buildSchema(await readFile(path.resolve(__dirname, '../../schema.graphql'), 'utf8'));
      const { callers, known } = await setUpCallers(server.url);
      const r = seeded(SEED);
      const runs: { op: FuzzOperation; caller: CallerKind; ws: boolean }[] = [];
      const fields = rootFields(schema);
      for (const { kind, field } of fields)
        for (const caller of CALLERS) {
          const count = ARGON2.has(field.name) ? 6 : field.args.length ? perFieldWithArgs : 2;
          for (let i = 0; i < count; i++) {
            const op = buildOperation(kind, field, r, known);
            // Subscriptions always over WebSocket (anonymous sockets are refused: tried once below); some of the rest too.
            const ws = kind === 'subscription' || (caller !== 'anonymous' && r.next() < 0.15);
            if (kind === 'subscription' && caller === 'anonymous') continue;
            runs.push({ op, caller, ws });
          }
        }
      runs.sort((a, b) => Number(LAST.has(a.op.field)) - Number(LAST.has(b.op.field)));
      assert.ok(runs.length >= 500, `${runs.length} operations`);
      const covered = new Set(runs.map((run) => run.op.field));
      assert.deepEqual(
        fields.map(({ field }) => field.name).filter((name) => !covered.has(name)),
        [],
        'every root field is tried',
      );

      const codes = new Map<string, number>();
      const sockets = new Sockets(server.wsUrl);
      const failures = new Map<string, { count: number; example: string }>();
      const started = Date.now();
      await pool(runs, CONCURRENCY, async ({ op, caller, ws }) => {
        const token = callers[caller];
        const outcome = ws && token ? await sockets.run(op, token, 1000) : await overHttp(server.url, op, token);
        const code = String(outcome.errors[0]?.extensions?.code ?? 'OK');
        codes.set(code, (codes.get(code) ?? 0) + 1);
        for (const problem of problems(outcome)) {
          const key = `${op.kind} ${op.field} as ${caller} over ${outcome.transport}: ${problem}`;
          const seen = failures.get(key) ?? {
            count: 0,
            example: `${op.query.slice(0, 300)} ${JSON.stringify(op.variables).slice(0, 300)}`,
          };
          seen.count++;
          failures.set(key, seen);
        }
      });
      sockets.dispose();
      const elapsed = Date.now() - started;

      // An anonymous socket is refused cleanly.
      const anonymous = await new Sockets(server.wsUrl).run(
        {
          kind: 'subscription',
          field: 'presenceChanged',
          query: 'subscription { presenceChanged { online } }',
          variables: {},
        },
        '',
        1000,
      );
      assert.equal(anonymous.closedWith, undefined);

      assert.equal(server.child.exitCode, null, 'the server process is alive');
      assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
      const report = [...failures].map(([key, { count, example }]) => `${count}× ${key}\n    e.g. ${example}`);
      assert.deepEqual(report, [], `${failures.size} distinct failures in ${runs.length} operations`);
      assert.ok(elapsed < 90_000, `${runs.length} operations took ${elapsed} ms`);
      console.log(`fuzz (${mode}): ${runs.length} operations in ${elapsed} ms, no failures; first codes:`, codes);
    });
  });
}
