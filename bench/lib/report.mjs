// The bench's table (Markdown, as the README and the issue show it) from the rounds' medians.
import { fmt, median, ratio } from './stats.mjs';

const med = (samples, key) => median(samples.map((s) => s[key]));

export function summarize(results) {
  const rows = [];
  const { http, messages, jobs, participants, research, memory } = results;
  if (http) {
    const [p, b] = [med(http.parley, 'perSecond'), med(http.baseline, 'perSecond')];
    rows.push({
      what: 'GraphQL over HTTP `{ me { id username } }`, 50 connections',
      parley: `${fmt(p)} req/s, ${fmt(med(http.parley, 'cpuMsPerOp'))} ms CPU/req`,
      baseline: `bare node:http JSON route: ${fmt(b)} req/s, ${fmt(med(http.baseline, 'cpuMsPerOp'))} ms CPU/req`,
      ratio: fmt(ratio(p, b), 2),
    });
    if (http.apollo?.length) {
      const a = med(http.apollo, 'perSecond');
      rows.push({
        what: 'the stack alone: Apollo Server 5 on node:http answering the same query from a constant',
        parley: `${fmt(a)} req/s, ${fmt(med(http.apollo, 'cpuMsPerOp'))} ms CPU/req`,
        baseline: `bare node:http JSON route (above): ${fmt(b)} req/s`,
        ratio: fmt(ratio(a, b), 2),
      });
    }
  }
  if (messages) {
    const { saturation: s, halfRate: h } = messages;
    const [p, b] = [med(s.parley, 'perSecond'), med(s.baseline, 'perSecond')];
    rows.push({
      what: '1:1 messages sent and delivered live, 20 sender/receiver pairs',
      parley: `${fmt(p)}/s, p50 ${fmt(med(s.parley, 'p50'))} ms, p99 ${fmt(med(s.parley, 'p99'))} ms; ${fmt(med(s.parley, 'cpuMsPerOp'))} ms server CPU/message`,
      baseline: `pgbench single-row inserts, 20 clients: ${fmt(b)}/s`,
      ratio: fmt(ratio(p, b), 2),
    });
    if (s.crossProcess?.length) {
      const c = med(s.crossProcess, 'perSecond');
      rows.push({
        what: 'cross-process delivery: senders on API process A, receivers on B, 20 pairs',
        parley: `${fmt(c)}/s, p50 ${fmt(med(s.crossProcess, 'p50'))} ms, p99 ${fmt(med(s.crossProcess, 'p99'))} ms`,
        baseline: `the same pairs on one process (above): ${fmt(p)}/s`,
        ratio: fmt(ratio(c, p), 2),
      });
    }
    const [pl, bl] = [med(h.parley, 'p50'), med(h.baseline, 'p50')];
    rows.push({
      what: `delivery latency at half saturation (${fmt(h.rate)} messages/s)`,
      parley: `p50 ${fmt(pl)} ms, p99 ${fmt(med(h.parley, 'p99'))} ms (${fmt(med(h.parley, 'perSecond'))}/s delivered)`,
      baseline: `bare \`ws\` relay: p50 ${fmt(bl)} ms, p99 ${fmt(med(h.baseline, 'p99'))} ms`,
      ratio: `${fmt(ratio(pl, bl), 2)}× the latency`,
    });
  }
  if (jobs) {
    const { throughput: t, firstToken: f } = jobs;
    const [p, b] = [med(t.parley, 'perSecond'), med(t.baseline, 'perSecond')];
    rows.push({
      what: 'queued model call, instant fake model, `submitChat` → COMPLETED',
      parley: `${fmt(p)} jobs/s, ${fmt(med(t.parley, 'cpuMsPerOp'))} ms server CPU/job`,
      baseline: `bare BullMQ add+process, same openai call: ${fmt(b)} jobs/s`,
      ratio: fmt(ratio(p, b), 2),
    });
    const [p50, d50] = [med(f.parley, 'firstTextP50'), med(f.baseline, 'p50')];
    const [p99, d99] = [med(f.parley, 'firstTextP99'), med(f.baseline, 'p99')];
    rows.push({
      what: 'added time to first token (over a direct openai client call)',
      parley: `added p50 ${fmt(p50 - d50)} ms, p99 ${fmt(p99 - d99)} ms (Parley p50 ${fmt(p50)}, p99 ${fmt(p99)})`,
      baseline: `direct: p50 ${fmt(d50)} ms, p99 ${fmt(d99)} ms`,
      ratio: '',
    });
  }
  if (participants) {
    const p = participants;
    rows.push({
      what: `${fmt(p.count)} participants at once (${p.lanes} in flight): start, consent, one model turn, answers, final save`,
      parley: `${fmt(p.perSecond)} completions/s; each p50 ${fmt(p.p50)} ms, p99 ${fmt(p.p99)} ms; ${fmt(p.cpuMsPerOp)} ms server CPU each`,
      baseline: `saved once: ${fmt(p.saved)}; second save alreadyExisted: ${fmt(p.alreadyExisted)}; failed: ${fmt(p.failed)}`,
      ratio: '',
    });
  }
  if (research) {
    const s = research.samples;
    const [p, b] = [med(s, 'p50'), med(s, 'baselineP50')];
    rows.push({
      what: `participants table of a study of ${fmt(research.size)}: one page of 50 (first, middle, last, filtered and sorted, searched), one request at a time`,
      parley: `p50 ${fmt(p)} ms; slowest kind of page p50 ${fmt(med(s, 'slowestKindP50'))} ms`,
      baseline: `\`{ me { id } }\` on the same connection: p50 ${fmt(b)} ms`,
      ratio: `${fmt(ratio(p, b), 2)}× the time`,
    });
  }
  for (const size of memory ?? []) {
    if (size.error) {
      rows.push({
        what: `memory per idle subscribed WebSocket, ${fmt(size.count)} sockets`,
        parley: `failed: ${size.error.slice(0, 120)}`,
        baseline: '',
        ratio: '',
      });
      continue;
    }
    const held = size.held < size.count ? ` (${fmt(size.held)} held: the open-file limit)` : '';
    rows.push({
      what: `memory per idle subscribed WebSocket, ${fmt(size.count)} sockets${held}`,
      parley: `${fmt(size.parley.kbPerSocket)} KB by RSS, ${fmt(size.parley.heapKbPerSocket)} KB of heap after a full GC (${size.parley.opened} open, ${size.parley.failed} refused); ${fmt(size.parley.cpuMsPerConnect, 2)} ms CPU per connection; one arrival seen by ${size.parley.arrived?.delivered ?? 0}/${size.parley.arrived?.expected ?? 0} watchers in ${fmt(size.parley.arrived?.ms)} ms, ${fmt(size.parley.arrivalCpuMs)} ms CPU`,
      baseline: `bare \`ws\`: ${fmt(size.baseline.kbPerSocket)} KB by RSS, ${fmt(size.baseline.heapKbPerSocket)} KB of heap`,
      // By heap after a full GC where both were read (RSS slopes of small rungs are mostly allocator noise).
      ratio: `${fmt(size.parley.heapKbPerSocket !== undefined && size.baseline.heapKbPerSocket !== undefined ? ratio(size.parley.heapKbPerSocket, size.baseline.heapKbPerSocket) : ratio(size.parley.kbPerSocket, size.baseline.kbPerSocket), 2)}×`,
    });
  }
  return rows;
}

export function markdownTable(rows) {
  const lines = ['| what | Parley | baseline, same run | ratio |', '|---|---|---|---|'];
  for (const row of rows) lines.push(`| ${row.what} | ${row.parley} | ${row.baseline} | ${row.ratio} |`);
  return lines.join('\n');
}
