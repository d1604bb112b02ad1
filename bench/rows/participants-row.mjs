// Row 5: a crowd of participants at once (the bench study: start, consent, one model turn, answers, final
// save), each saved exactly once. No baseline process: the figure is completions per second, with each
// participant's time from arrival to saved.
import { runLoad } from '../lib/children.mjs';

export async function participantsRow({ parley, count, lanes }) {
  const result = await runLoad(
    'participants-load',
    { url: parley.url, count, lanes },
    { pid: parley.pid, timeoutMs: 900_000 },
  );
  return { ...result, cpuMsPerOp: result.serverCpuMs / Math.max(1, result.saved) };
}
