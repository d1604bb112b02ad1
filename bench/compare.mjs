// `npm run bench:compare -- <other checkout>`: this build against another one (say, a clone at the commit
// before a change, built with `npm ci && npm run build`), side by side on the same machine in the same minutes.
// Both servers run at once on their own databases; their rounds alternate (A B, B A, ...), so a machine that
// speeds up or slows down during the run moves both sides alike. Prints the median of each side's rounds.
// The first round of each side warms it up and is left out of the medians.
import path from 'node:path';
import { createTestEnv } from '../scripts/test-env.mjs';
import { repoRoot, runLoad, startNode } from './lib/children.mjs';
import { parleyEnv, registerUsers } from './lib/parley.mjs';
import { fmt, median } from './lib/stats.mjs';

const other = process.argv[2];
if (!other) {
  console.error('usage: node bench/compare.mjs <path of another built checkout>');
  process.exit(1);
}
const rounds = Number(process.env.BENCH_ROUNDS ?? 6);
const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const port = Number(process.env.BENCH_PORT ?? 4900);

/** Each measure: its load, and the figure kept from a result. */
const MEASURES = {
  'jobs/s (20 lanes)': {
    load: (side) => [
      'jobs-load',
      { mode: 'throughput', ...side.urls, users: side.users.slice(0, 20), concurrency: 20 },
    ],
    figure: (r) => r.perSecond,
  },
  'first text p50, ms': {
    load: (side) => ['jobs-load', { mode: 'ttft', ...side.urls, users: side.users.slice(0, 1), count: 300 }],
    figure: (r) => r.firstTextP50,
  },
  'messages/s (20 pairs)': {
    load: (side) => {
      const pairs = Array.from({ length: 20 }, (_, i) => ({
        sender: side.users[2 * i],
        receiver: side.users[2 * i + 1],
      }));
      return ['message-load', { target: 'parley', wsUrl: side.urls.wsUrl, pairs, pattern: 'closed' }];
    },
    figure: (r) => r.perSecond,
  },
};

const stops = [];
try {
  const fake = await startNode(path.join(repoRoot, 'server/dist-test/test/fake-model-server.js'), {
    args: [String(port + 1)],
    ready: /fake model server at (\S+)/,
  });
  stops.push(fake.stop);
  const sides = [];
  for (const [name, root, offset] of [
    ['A (other)', path.resolve(other), 10],
    ['B (this)', repoRoot, 20],
  ]) {
    const testEnv = await createTestEnv(`compare${offset}`);
    stops.push(() => testEnv.destroy());
    const url = `http://127.0.0.1:${port + offset}`;
    const server = await startNode(path.join(root, 'server/dist/main.js'), {
      env: { ...parleyEnv(testEnv, fake.found), PORT: String(port + offset) },
      probe: async () => ((await fetch(`${url}/healthz`)).ok ? url : undefined),
    });
    stops.push(server.stop);
    const urls = { url, wsUrl: `ws://127.0.0.1:${port + offset}/graphql` };
    sides.push({ name, server, urls, users: await registerUsers(url, 40, `cmp${offset}`), figures: {} });
  }
  for (let round = 0; round < rounds; round++) {
    for (const [label, measure] of Object.entries(MEASURES)) {
      for (const side of round % 2 ? [...sides].reverse() : sides) {
        const [name, job] = measure.load(side);
        const result = await runLoad(name, { ...job, count: job.count ?? 1e6, seconds });
        if (round === 0) continue;
        side.figures[label] = [...(side.figures[label] ?? []), measure.figure(result)];
      }
    }
    console.log(`round ${round + 1}/${rounds} done`);
  }
  console.log(`\n| measure | ${sides.map((s) => s.name).join(' | ')} | B / A |\n|---|---|---|---|`);
  for (const label of Object.keys(MEASURES)) {
    const [a, b] = sides.map((side) => median(side.figures[label] ?? []));
    console.log(`| ${label} | ${fmt(a)} | ${fmt(b)} | ${fmt(b / a)} |`);
  }
} finally {
  for (const stop of stops.reverse()) await stop().catch(() => {});
}
