// Child processes of the bench: servers it starts (waiting for a line that says they listen) and
// load generators it forks (one message in with the job, one message back with the result).
import { fork, spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpuMs } from './proc.mjs';

export const benchDir = fileURLToPath(new URL('..', import.meta.url));
export const repoRoot = path.resolve(benchDir, '..');

/**
 * Starts `node <script>` and resolves once its output matches `ready` (the first group is returned as `found`),
 * or, with `probe` instead, once `probe()` resolves to something (returned as `found`; asked every 100 ms).
 */
export async function startNode(script, { args = [], env = {}, ready, probe, timeoutMs = 30_000, nodeArgs = [] }) {
  const child = spawn(process.execPath, [...nodeArgs, script, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk) => {
    output += chunk.toString();
    if (output.length > 200_000) output = output.slice(-100_000);
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  let settled = false;
  const match = await new Promise((resolve, reject) => {
    const end = (error, found) => {
      settled = true;
      clearTimeout(timer);
      child.stdout.off('data', check);
      if (error) reject(error);
      else resolve(found);
    };
    const timer = setTimeout(() => end(new Error(`${script} did not start:\n${output}`)), timeoutMs);
    const check = () => {
      const found = ready?.exec(output);
      if (found) end(null, found);
    };
    // Asked until it answers, the process exits or the time is up (bounded by `settled`).
    const ask = () => {
      if (settled) return;
      probe().then(
        (value) => (value === undefined ? setTimeout(ask, 100) : end(null, [value, value])),
        () => setTimeout(ask, 100),
      );
    };
    if (probe) ask();
    else child.stdout.on('data', check);
    child.once('exit', (code) => {
      if (!settled) end(new Error(`${script} exited with ${code}:\n${output}`));
    });
  });
  return {
    child,
    pid: child.pid,
    found: match[1],
    output: () => output,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 12_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/**
 * Forks a load generator (bench/load/<name>.mjs), sends it `job`, and resolves with its result.
 * `onMessage` sees the messages before the result (e.g. "ready" of a generator that holds sockets open).
 * With `pid`, the result gets `serverCpuMs`: that process's CPU between the generator's marks (after
 * its warm-up, until its last operation).
 */
export function runLoad(name, job, { timeoutMs = 180_000, onMessage, pid, onSpawn } = {}) {
  let cpuAtStart;
  let serverCpuMs;
  const child = fork(path.join(benchDir, 'load', `${name}.mjs`), [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  onSpawn?.(child);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`load generator ${name} took over ${timeoutMs} ms`));
    }, timeoutMs);
    child.on('message', (message) => {
      if (message.type === 'mark' && pid) {
        if (message.phase === 'start') cpuAtStart = cpuMs(pid);
        else serverCpuMs = cpuMs(pid) - cpuAtStart;
      } else if (message.type === 'result') {
        clearTimeout(timer);
        resolve(pid ? { ...message.result, serverCpuMs } : message.result);
      } else if (message.type === 'error') {
        clearTimeout(timer);
        reject(new Error(`load generator ${name}: ${message.error}`));
      } else onMessage?.(message, child);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`load generator ${name} exited with ${code} before its result`));
    });
    child.send({ type: 'job', job });
  });
}
