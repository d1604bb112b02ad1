// Row 3: queued model calls with an instant fake model, submitChat → COMPLETED, against bare BullMQ
// add+process making the same openai call; then time to first token against a direct openai call.
import path from 'node:path';
import { benchDir, runLoad, startNode } from '../lib/children.mjs';
import { WORKER_CONCURRENCY } from '../lib/parley.mjs';

const LANES = 20;
const TTFT_CALLS = 200;

export async function jobsRow({ parley, users, testEnv, modelBaseUrl, seconds, rounds }) {
  const prefix = `${testEnv.redisPrefix}-bullmq`;
  const worker = await startNode(path.join(benchDir, 'baselines/bullmq-worker.mjs'), {
    args: [testEnv.redisUrl, prefix, modelBaseUrl, String(WORKER_CONCURRENCY)],
    ready: /(worker ready)/,
  });
  const throughput = { parley: [], baseline: [] };
  const firstToken = { parley: [], baseline: [] };
  try {
    for (let round = 0; round < rounds; round++) {
      throughput.baseline.push(
        await runLoad('bullmq-load', { redisUrl: testEnv.redisUrl, prefix, concurrency: LANES, seconds }),
      );
      const result = await runLoad(
        'jobs-load',
        { mode: 'throughput', url: parley.url, wsUrl: parley.wsUrl, users, concurrency: LANES, count: 1e6, seconds },
        { pid: parley.pid },
      );
      throughput.parley.push({
        ...result,
        cpuMsPerOp: result.serverCpuMs / Math.max(1, result.completed + result.failed),
      });
    }
    for (let round = 0; round < rounds; round++) {
      firstToken.baseline.push(
        await runLoad('jobs-load', { mode: 'direct', baseURL: modelBaseUrl, count: TTFT_CALLS, seconds }),
      );
      firstToken.parley.push(
        await runLoad('jobs-load', {
          mode: 'ttft',
          url: parley.url,
          wsUrl: parley.wsUrl,
          users: users.slice(0, 1),
          count: TTFT_CALLS,
          seconds,
        }),
      );
    }
  } finally {
    await worker.stop();
  }
  return { throughput, firstToken };
}
