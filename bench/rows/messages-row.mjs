// Row 2: 1:1 messages sent and delivered live by 20 sender/receiver pairs, against Postgres' own
// single-row inserts (pgbench, 20 clients); then latency at half Parley's rate beside a bare `ws` relay.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { benchDir, repoRoot, runLoad, startNode } from '../lib/children.mjs';
import { startParley } from '../lib/parley.mjs';
import { median } from '../lib/stats.mjs';

const PAIRS = 20;
const require = createRequire(path.join(repoRoot, 'server/package.json'));

async function prepareScratchTable(databaseUrl) {
  const { Client } = require('pg');
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  await client.query(
    'CREATE TABLE IF NOT EXISTS bench_scratch (id bigserial PRIMARY KEY, body text NOT NULL, created_at timestamptz NOT NULL DEFAULT now())',
  );
  await client.end();
  const file = path.join(os.tmpdir(), `parley-bench-insert-${process.pid}.sql`);
  writeFileSync(file, "INSERT INTO bench_scratch (body) VALUES ('hello from pgbench');\n");
  return file;
}

function pgbench(databaseUrl, file, seconds) {
  return new Promise((resolve, reject) => {
    const args = [
      '-n',
      '-f',
      file,
      '-c',
      String(PAIRS),
      '-j',
      '2',
      '-T',
      String(Math.max(1, Math.round(seconds))),
      databaseUrl,
    ];
    const child = spawn('pgbench', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', reject);
    child.on('exit', (code) => {
      const tps = /tps = ([\d.]+) \(without initial connection time\)/.exec(output);
      const latency = /latency average = ([\d.]+) ms/.exec(output);
      if (code !== 0 || !tps) return reject(new Error(`pgbench failed (${code}):\n${output}`));
      resolve({ perSecond: Number(tps[1]), latencyAverageMs: latency ? Number(latency[1]) : undefined });
    });
  });
}

export async function messagesRow({ parley, env, users, databaseUrl, seconds, rounds, port }) {
  // Cross-process delivery: receivers on a second API process (ROLE=api) sharing Redis and Postgres.
  const second = await startParley({ ...env, ROLE: 'api' }, port + 1);
  try {
    return await measureMessages({ parley, second, users, databaseUrl, seconds, rounds, port });
  } finally {
    await second.stop();
  }
}

async function measureMessages({ parley, second, users, databaseUrl, seconds, rounds, port }) {
  const pairs = Array.from({ length: PAIRS }, (_, i) => ({ sender: users[2 * i], receiver: users[2 * i + 1] }));
  const file = await prepareScratchTable(databaseUrl);
  const saturation = { parley: [], baseline: [], crossProcess: [] };
  for (let round = 0; round < rounds; round++) {
    saturation.baseline.push(await pgbench(databaseUrl, file, seconds));
    const result = await runLoad(
      'message-load',
      { target: 'parley', wsUrl: parley.wsUrl, pairs, pattern: 'closed', seconds },
      { pid: parley.pid },
    );
    saturation.parley.push({ ...result, cpuMsPerOp: result.serverCpuMs / Math.max(1, result.sent) });
    saturation.crossProcess.push(
      await runLoad('message-load', {
        target: 'parley',
        wsUrl: parley.wsUrl,
        receiverWsUrl: second.wsUrl,
        pairs,
        pattern: 'closed',
        seconds,
      }),
    );
  }

  const rate = Math.max(1, Math.round(median(saturation.parley.map((s) => s.perSecond)) / 2));
  const relay = await startNode(path.join(benchDir, 'baselines/bare-ws-relay.mjs'), {
    args: [String(port)],
    ready: /listening on (\d+)/,
  });
  const halfRate = { rate, parley: [], baseline: [] };
  try {
    const relayUrl = `ws://127.0.0.1:${relay.found}/`;
    for (let round = 0; round < rounds; round++) {
      halfRate.baseline.push(
        await runLoad('message-load', { target: 'relay', relayUrl, pairs, pattern: 'rate', rate, seconds }),
      );
      halfRate.parley.push(
        await runLoad('message-load', { target: 'parley', wsUrl: parley.wsUrl, pairs, pattern: 'rate', rate, seconds }),
      );
    }
  } finally {
    await relay.stop();
  }
  return { saturation, halfRate };
}
