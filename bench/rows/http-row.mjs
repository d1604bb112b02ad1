// Row 1: `{ me { id username } }` over HTTP with 50 connections, against a bare node:http JSON route.
import path from 'node:path';
import { benchDir, runLoad, startNode } from '../lib/children.mjs';

const CONNECTIONS = 50;

export async function httpRow({ parley, user, seconds, rounds, port }) {
  const bare = await startNode(path.join(benchDir, 'baselines/bare-http.mjs'), {
    args: [String(port)],
    ready: /listening on (\d+)/,
  });
  const samples = { parley: [], baseline: [] };
  try {
    const drive = async (pid, job) => {
      const result = await runLoad('http-load', job, { pid });
      return { ...result, cpuMsPerOp: result.serverCpuMs / Math.max(1, result.requests) };
    };
    for (let round = 0; round < rounds; round++) {
      samples.baseline.push(
        await drive(bare.pid, {
          url: `http://127.0.0.1:${bare.found}/`,
          query: '{ me { id username } }',
          connections: CONNECTIONS,
          seconds,
        }),
      );
      samples.parley.push(
        await drive(parley.pid, {
          url: `${parley.url}/graphql`,
          token: user.token,
          query: '{ me { id username } }',
          connections: CONNECTIONS,
          seconds,
        }),
      );
    }
  } finally {
    await bare.stop();
  }
  return samples;
}
