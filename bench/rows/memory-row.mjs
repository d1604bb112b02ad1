// Row 4: memory per idle subscribed WebSocket (RSS growth of the server process, from /proc) against a
// bare `ws` server holding the same sockets. Each size gets fresh server processes.
import path from 'node:path';
import { benchDir, runLoad, startNode } from '../lib/children.mjs';
import { startParley } from '../lib/parley.mjs';
import { rssKb, settle } from '../lib/proc.mjs';

async function measure(server, job) {
  await settle(server.pid);
  const before = rssKb(server.pid);
  let after;
  const result = await runLoad('idle-sockets', job, {
    timeoutMs: 300_000,
    onMessage: async (message, child) => {
      if (message.type !== 'ready') return;
      await settle(server.pid);
      after = rssKb(server.pid);
      child.send({ type: 'close' });
    },
  });
  return {
    ...result,
    rssBeforeKb: before,
    rssAfterKb: after,
    kbPerSocket: (after - before) / Math.max(1, result.opened),
  };
}

export async function memoryRow({ env, users, sizes, port }) {
  const rows = [];
  for (const count of sizes) {
    const relay = await startNode(path.join(benchDir, 'baselines/bare-ws-relay.mjs'), {
      args: [String(port)],
      ready: /listening on (\d+)/,
    });
    const baseline = await measure(relay, {
      target: 'bare',
      relayUrl: `ws://127.0.0.1:${relay.found}/`,
      count,
    }).finally(() => relay.stop());
    const parley = await startParley(env, port + 1);
    const measured = await measure(parley, {
      target: 'parley',
      wsUrl: parley.wsUrl,
      tokens: users.map((u) => u.token),
      count,
    }).finally(() => parley.stop());
    rows.push({ count, parley: measured, baseline });
  }
  return rows;
}
