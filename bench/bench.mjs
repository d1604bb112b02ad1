// `npm run bench`: Parley's speed measured from outside, each figure beside a baseline measured in the
// same run (rounds interleaved: baseline, Parley, baseline, Parley...; medians). See README "Performance".
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTestEnv } from '../scripts/test-env.mjs';
import { benchDir, repoRoot, startNode } from './lib/children.mjs';
import { parleyEnv, registerUsers, startParley } from './lib/parley.mjs';
import { markdownTable, summarize } from './lib/report.mjs';
import { httpRow } from './rows/http-row.mjs';
import { jobsRow } from './rows/jobs-row.mjs';
import { memoryRow } from './rows/memory-row.mjs';
import { messagesRow } from './rows/messages-row.mjs';
import { participantsRow } from './rows/participants-row.mjs';
import { benchStudiesDir, researchRow } from './rows/research-row.mjs';

const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const sizes = (process.env.BENCH_SOCKETS ?? '1000,5000').split(',').map(Number).filter(Boolean);
const only = (process.env.BENCH_ONLY ?? 'http,messages,jobs,participants,research,memory').split(',');
const participants = Number(process.env.BENCH_PARTICIPANTS ?? 1000);
const port = Number(process.env.BENCH_PORT ?? 4900); // uses port .. port+29

if (!existsSync(path.join(repoRoot, 'server/dist/main.js')) || !existsSync(path.join(repoRoot, 'server/dist-test'))) {
  console.error('No build: run `npm run build && npm run build:test` first (`npm run bench` does).');
  process.exit(1);
}

const loadAverageAtStart = os.loadavg().map((l) => Number(l.toFixed(2)));
const log = (line) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}`);
const stops = [];
const testEnv = await createTestEnv('bench');
const results = {};
const errors = {};
/** Runs one row; a row that fails is reported (and saved) without losing the others. */
async function row(name, label, run) {
  if (!only.includes(name)) return;
  log(label);
  try {
    results[name] = await run();
  } catch (error) {
    errors[name] = String(error?.stack ?? error);
    log(`${name} failed: ${error?.message ?? error}`);
  }
}
try {
  const fake = await startNode(path.join(repoRoot, 'server/dist-test/test/fake-model-server.js'), {
    args: [String(port + 1)],
    ready: /fake model server at (\S+)/,
  });
  stops.push(fake.stop);
  const env = parleyEnv(testEnv, fake.found, await benchStudiesDir());
  const parley = await startParley(env, port + 10);
  stops.push(parley.stop);
  log(`Parley ${parley.url} (pid ${parley.pid}), ${rounds} rounds of ${seconds} s`);
  const users = await registerUsers(parley.url, 40, 'bench');

  await row('http', 'row 1: GraphQL over HTTP', () =>
    httpRow({ parley, user: users[0], seconds, rounds, port: port + 20 }),
  );
  await row('messages', 'row 2: messages', () =>
    messagesRow({ parley, env, users, databaseUrl: testEnv.databaseUrl, seconds, rounds, port: port + 23 }),
  );
  await row('jobs', 'row 3: queued model calls', () =>
    jobsRow({ parley, users: users.slice(0, 20), testEnv, modelBaseUrl: fake.found, seconds, rounds }),
  );
  await row('participants', `row 5: ${participants} participants at once`, () =>
    participantsRow({ parley, count: participants, lanes: 100 }),
  );
  await row('research', 'row 6: the participants table of a study of 10,000', () =>
    researchRow({ parley, user: users[39], databaseUrl: testEnv.databaseUrl, rounds }),
  );
  await parley.stop();
  await row('memory', `row 4: idle sockets ${sizes.join(', ')}`, () =>
    memoryRow({ env, users, sizes, port: port + 25, log }),
  );
} finally {
  for (const stop of stops.reverse()) await stop().catch(() => {});
  await testEnv.destroy();
}

const machine = {
  date: new Date().toISOString(),
  cpus: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown'}`,
  memoryGb: Math.round(os.totalmem() / 2 ** 30),
  node: process.version,
  kernel: os.release(),
  loadAverageAtStart,
  loadAverageAtEnd: os.loadavg().map((l) => Number(l.toFixed(2))),
  settings: { seconds, rounds, sizes },
};
const table = markdownTable(summarize(results));
console.log(
  `\n${machine.date}, ${machine.cpus}, ${machine.memoryGb} GB, Node ${machine.node}, load average ${loadAverageAtStart[0]} → ${machine.loadAverageAtEnd[0]}\n\n${table}\n`,
);
const dir = path.join(benchDir, 'results');
mkdirSync(dir, { recursive: true });
const file = path.join(dir, `${machine.date.replace(/[:.]/g, '-')}.json`);
writeFileSync(file, `${JSON.stringify({ machine, table, results, errors }, null, 2)}\n`);
// Formatted as `npm run lint` wants it, so a committed result passes the lint.
spawnSync(path.join(repoRoot, 'node_modules/.bin/biome'), ['format', '--write', file], { stdio: 'ignore' });
log(`wrote ${path.relative(repoRoot, file)}`);
if (Object.keys(errors).length) {
  log(`rows that failed: ${Object.keys(errors).join(', ')}`);
  process.exitCode = 1;
}
