// Row 4: memory per idle subscribed WebSocket (RSS growth of the server process, from /proc) against a
// bare `ws` server holding the same sockets. Each size gets fresh server processes.
import path from 'node:path';
import { benchDir, runLoad, startNode } from '../lib/children.mjs';
import { startParley } from '../lib/parley.mjs';
import { rssKb, settle } from '../lib/proc.mjs';

/**
 * RSS per socket as the slope between two steps (a fifth of the sockets open, then all): what the
 * process holds before the first socket (start-up garbage, pools) cancels out.
 */
async function measure(server, job) {
  const points = [];
  const result = await runLoad('idle-sockets', job, {
    timeoutMs: 600_000,
    onMessage: async (message, child) => {
      if (message.type !== 'ready') return;
      await settle(server.pid);
      points.push({ opened: message.opened, rssKb: rssKb(server.pid) });
      child.send({ type: 'go-on' });
    },
  });
  const [first, last] = [points[0], points[points.length - 1]];
  return { ...result, points, kbPerSocket: (last.rssKb - first.rssKb) / Math.max(1, last.opened - first.opened) };
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
      steps: [count / 5, count],
    }).finally(() => relay.stop());
    const parley = await startParley(env, port + 1);
    const measured = await measure(parley, {
      target: 'parley',
      wsUrl: parley.wsUrl,
      tokens: users.map((u) => u.token),
      steps: [count / 5, count],
    }).finally(() => parley.stop());
    rows.push({ count, parley: measured, baseline });
  }
  return rows;
}
