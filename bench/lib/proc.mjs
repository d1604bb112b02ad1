// What a process costs, read from /proc (no hook in the server): CPU time and resident memory.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

// Linux reports utime/stime in clock ticks; USER_HZ is 100 on every mainstream kernel.
const TICK_MS = 1000 / Number(process.env.BENCH_CLK_TCK ?? 100);

/** CPU milliseconds (user + system) the process has used so far. */
export function cpuMs(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS; // fields 14 and 15 of stat(5)
}

/** Resident set size in KB. */
export function rssKb(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
}

/** Waits (bounded) until the process uses under `busyMs` of CPU per 250 ms: it has settled. */
export async function settle(pid, { busyMs = 10, timeoutMs = 15_000 } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last = cpuMs(pid);
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    const now = cpuMs(pid);
    if (now - last < busyMs) return true;
    last = now;
  }
  return false;
}

/**
 * Raises a process's open-file limit (the 10k and 20k rungs need more than the usual 20,000 for sockets,
 * pools and files); needs root or CAP_SYS_RESOURCE. Returns whether it worked.
 */
export function raiseFdLimit(pid, limit) {
  const result = spawnSync('prlimit', ['--pid', String(pid), `--nofile=${limit}:${limit}`], { encoding: 'utf8' });
  return result.status === 0;
}

/** A process's hard open-file limit (Infinity when unlimited), from /proc/<pid>/limits. */
export function hardFdLimit(pid = 'self') {
  const line = readFileSync(`/proc/${pid}/limits`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('Max open files'));
  const hard = line?.trim().split(/\s+/)[4];
  return hard === undefined || hard === 'unlimited' ? Number.POSITIVE_INFINITY : Number(hard);
}
