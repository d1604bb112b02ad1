// `npm run soak` (not in CI): SOAK_MINUTES (10) of SOAK_CLIENTS (1,000) chatting clients against one Parley
// process on loopback. Passes when no message was lost or stored twice and the server's RSS stays flat after
// warm-up (the first fifth): the median of the last third of the samples within 10% of the first third's
// (medians, because RSS saws up and down with each garbage collection).
import path from 'node:path';
import { createTestEnv } from '../scripts/test-env.mjs';
import { repoRoot, startNode } from './lib/children.mjs';
import { parleyEnv, startParley } from './lib/parley.mjs';
import { rssKb } from './lib/proc.mjs';
import { median } from './lib/stats.mjs';

const chatters = await import(path.join(repoRoot, 'server/dist-test/faults/chatters.js'));
const { assertNothingLost, keepChatting, makePair, totals } = chatters.default ?? chatters;

const minutes = Number(process.env.SOAK_MINUTES ?? 10);
const clients = Number(process.env.SOAK_CLIENTS ?? 1000);
const everyMs = Number(process.env.SOAK_SEND_EVERY_MS ?? 5000);
const port = Number(process.env.SOAK_PORT ?? 4950);
const mb = (kb) => Math.round(kb / 1024);
const log = (line) => console.log(`[soak ${new Date().toISOString().slice(11, 19)}] ${line}`);

const testEnv = await createTestEnv('soak');
const stops = [];
let failed = false;
try {
  const fake = await startNode(path.join(repoRoot, 'server/dist-test/test/fake-model-server.js'), {
    args: [String(port + 1)],
    ready: /fake model server at (\S+)/,
  });
  stops.push(fake.stop);
  const parley = await startParley(parleyEnv(testEnv, fake.found), port + 2);
  stops.push(parley.stop);
  const routes = { send: [parley.url], listen: [parley.url] };
  const pairs = [];
  for (let i = 0; i < clients / 2; i += 10) {
    pairs.push(...(await Promise.all(Array.from({ length: 10 }, (_, j) => makePair(routes, `soak${i + j}`)))));
  }
  log(`${pairs.length * 2} clients connected; chatting for ${minutes} min, one message per pair every ${everyMs} ms`);
  const chat = keepChatting(pairs, Number.MAX_SAFE_INTEGER, everyMs);
  const samples = [];
  const end = Date.now() + minutes * 60_000;
  while (Date.now() < end) {
    await new Promise((resolve) => setTimeout(resolve, Math.min(10_000, Math.max(0, end - Date.now()))));
    samples.push(rssKb(parley.pid));
    log(`rss ${mb(samples.at(-1))} MB, ${JSON.stringify(totals(pairs))}`);
  }
  await chat.stop();
  await assertNothingLost(pairs, 60_000);
  const warm = samples.slice(Math.floor(samples.length / 5));
  const third = Math.max(1, Math.floor(warm.length / 3));
  const [early, late] = [median(warm.slice(0, third)), median(warm.slice(-third))];
  const growth = late / early - 1;
  log(`nothing lost or stored twice: ${JSON.stringify(totals(pairs))}`);
  log(`RSS after warm-up, medians: ${mb(early)} MB early, ${mb(late)} MB late (${(growth * 100).toFixed(1)}%)`);
  if (growth > 0.1) {
    failed = true;
    log('FAIL: RSS grew more than 10% after warm-up');
  }
  await Promise.all(pairs.map((p) => p.close()));
} catch (error) {
  failed = true;
  log(`FAIL: ${error?.stack ?? error}`);
} finally {
  for (const stop of stops.reverse()) await stop().catch(() => {});
  await testEnv.destroy();
}
process.exit(failed ? 1 : 0);
