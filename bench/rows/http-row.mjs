// Row 1: `{ me { id username } }` over HTTP with 50 connections, against a bare node:http JSON route, and
// (row 1a) Apollo Server alone answering the same query from a constant: the stack's own floor.
import path from 'node:path';
import { benchDir, runLoad, startNode } from '../lib/children.mjs';

const CONNECTIONS = 50;
const QUERY = '{ me { id username } }';

export async function httpRow({ parley, user, seconds, rounds, port }) {
  const start = (script, at) =>
    startNode(path.join(benchDir, 'baselines', script), { args: [String(at)], ready: /listening on (\d+)/ });
  const bare = await start('bare-http.mjs', port);
  const apollo = await start('apollo-http.mjs', port + 1);
  const samples = { parley: [], baseline: [], apollo: [] };
  const drive = async (pid, job) => {
    const result = await runLoad('http-load', { query: QUERY, connections: CONNECTIONS, seconds, ...job }, { pid });
    return { ...result, cpuMsPerOp: result.serverCpuMs / Math.max(1, result.requests) };
  };
  try {
    for (let round = 0; round < rounds; round++) {
      samples.baseline.push(await drive(bare.pid, { url: `http://127.0.0.1:${bare.found}/` }));
      samples.apollo.push(await drive(apollo.pid, { url: `http://127.0.0.1:${apollo.found}/graphql` }));
      samples.parley.push(await drive(parley.pid, { url: `${parley.url}/graphql`, token: user.token }));
    }
  } finally {
    await Promise.all([bare.stop(), apollo.stop()]);
  }
  return samples;
}
