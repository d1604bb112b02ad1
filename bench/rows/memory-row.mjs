// Row 4: memory per idle subscribed WebSocket (RSS growth of the server process, from /proc) against a
// bare `ws` server holding the same sockets. Each size gets fresh server processes.
import path from 'node:path';
import { benchDir, runLoad, startNode } from '../lib/children.mjs';
import { heapAfterGcKb, inspectorUrl } from '../lib/inspector.mjs';
import { registerUsers, startParley } from '../lib/parley.mjs';
import { cpuMs, hardFdLimit, raiseFdLimit, rssKb, settle } from '../lib/proc.mjs';

/**
 * RSS per socket as the slope between two steps (a fifth of the sockets open, then all): what the
 * process holds before the first socket (start-up garbage, pools) cancels out.
 */
async function measure(server, job) {
  const points = [];
  let arrivalCpuMs;
  const result = await runLoad('idle-sockets', job, {
    timeoutMs: 600_000,
    onSpawn: (child) => raiseFdLimit(child.pid, FD_LIMIT),
    onMessage: async (message, child) => {
      if (message.type === 'ready') {
        await settle(server.pid);
        const cpuBeforeGc = cpuMs(server.pid);
        // Memory is read after a full GC (through the inspector), so garbage not yet collected does not count.
        const inspector = inspectorUrl(server.output());
        const heapKb = inspector ? await heapAfterGcKb(inspector) : undefined;
        await settle(server.pid);
        points.push({
          opened: message.opened,
          rssKb: rssKb(server.pid),
          heapKb,
          cpuMs: cpuBeforeGc,
          idleCpuMs: cpuMs(server.pid),
        });
      } else if (message.type === 'arrived') {
        // The arrival's cost: its connection and its presence delivered to every watcher (all have it now).
        arrivalCpuMs = cpuMs(server.pid) - points[points.length - 1].idleCpuMs;
      } else return;
      child.send({ type: 'go-on' });
    },
  });
  const [first, last] = [points[0], points[points.length - 1]];
  const opened = Math.max(1, last.opened - first.opened);
  return {
    ...result,
    points,
    kbPerSocket: (last.rssKb - first.rssKb) / opened,
    heapKbPerSocket: last.heapKb === undefined ? undefined : (last.heapKb - first.heapKb) / opened,
    cpuMsPerConnect: (last.cpuMs - first.cpuMs) / opened,
    arrivalCpuMs,
  };
}

const FD_LIMIT = 65_536;
/** Descriptors a server needs besides its sockets (pools, Redis, logs, the inspector) and the arrival's socket. */
const FD_HEADROOM = 150;
/** The inspector on a free loopback port, for the heap after a full GC (lib/inspector.mjs). */
const INSPECT = ['--inspect=127.0.0.1:0'];

export async function memoryRow({ env, users, sizes, port, log }) {
  const rows = [];
  for (const count of sizes) {
    // A rung that fails (say, past the open-file limit) is reported without losing the others.
    try {
      rows.push(await rung({ env, users, count, port, log }));
    } catch (error) {
      log(`${count} sockets failed: ${error?.message ?? error}`);
      rows.push({ count, error: String(error?.message ?? error) });
    }
  }
  return rows;
}

async function rung({ env, users, count: asked, port, log }) {
  // Where the open-file limit cannot be raised past a rung, the rung holds what fits and says so: a rung
  // squeezed to the last descriptor could neither read its heap (the inspector needs one) nor take an arrival.
  const relay = await startNode(path.join(benchDir, 'baselines/bare-ws-relay.mjs'), {
    args: [String(port)],
    nodeArgs: INSPECT,
    ready: /listening on (\d+)/,
  });
  const raised = raiseFdLimit(relay.pid, FD_LIMIT);
  const limit = raised ? FD_LIMIT : Math.min(hardFdLimit(relay.pid), hardFdLimit());
  const count = Math.min(asked, limit - FD_HEADROOM);
  if (count < asked)
    log(`the open-file limit is ${limit} and cannot be raised here: the ${asked} rung holds ${count} sockets`);
  const baseline = await measure(relay, {
    target: 'bare',
    relayUrl: `ws://127.0.0.1:${relay.found}/`,
    steps: [count / 5, count],
  }).finally(() => relay.stop());
  const parley = await startParley(env, port + 1, { nodeArgs: INSPECT });
  raiseFdLimit(parley.pid, FD_LIMIT);
  const measured = await registerUsers(parley.url, 1, 'arrival')
    .then(([arrival]) =>
      measure(parley, {
        target: 'parley',
        wsUrl: parley.wsUrl,
        tokens: users.map((u) => u.token),
        arrival,
        steps: [count / 5, count],
      }),
    )
    .finally(() => parley.stop());
  return { count: asked, held: count, parley: measured, baseline };
}
