// Row 3's baseline client: `concurrency` lanes, each adding a job and waiting for its completion event.
import { Queue, QueueEvents } from 'bullmq';
import { generator } from '../lib/generator.mjs';
import { percentile } from '../lib/stats.mjs';

generator(async ({ redisUrl, prefix, concurrency, seconds, maxJobs = 1_000_000 }) => {
  const connection = { url: redisUrl };
  const queue = new Queue('bench-chat', { connection, prefix });
  const events = new QueueEvents('bench-chat', { connection, prefix });
  await events.waitUntilReady();
  const waiters = new Map();
  events.on('completed', ({ jobId }) => waiters.get(jobId)?.());
  events.on('failed', ({ jobId }) => waiters.get(jobId)?.('failed'));
  const durations = [];
  let failed = 0;
  let added = 0;
  const started = performance.now();
  const stopAt = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < stopAt && added < maxJobs) {
        added++;
        const t0 = performance.now();
        const job = await queue.add(
          'chat',
          { messages: [{ role: 'user', content: 'hello bench' }] },
          { removeOnComplete: true, removeOnFail: true },
        );
        const outcome = await new Promise((resolve) => {
          waiters.set(job.id, resolve);
          setTimeout(() => resolve('timeout'), 10_000).unref();
        });
        waiters.delete(job.id);
        if (outcome) failed++;
        else durations.push(performance.now() - t0);
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  await events.close();
  await queue.close();
  return {
    completed: durations.length,
    failed,
    seconds: elapsed,
    perSecond: durations.length / elapsed,
    p50: percentile(durations, 50),
    p99: percentile(durations, 99),
  };
});
