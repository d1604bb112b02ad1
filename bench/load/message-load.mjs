// Row 2's client: sender/receiver pairs. `closed`: each sender sends its next message once the last one
// arrived (saturation, messages/s). `rate`: messages/s fixed in total, sent on schedule whatever the
// answers (latency at a given load). Latency is send → arrival at the receiver, on one clock.
import { setTimeout as sleep } from 'node:timers/promises';
import { generator, mark } from '../lib/generator.mjs';
import { percentile } from '../lib/stats.mjs';
import { parleyPair, relayPair } from './message-clients.mjs';

generator(async ({ target, wsUrl, receiverWsUrl, relayUrl, pairs, pattern, rate, seconds }) => {
  const pending = new Map(); // body -> { sentAt, arrived }
  const latencies = [];
  let failed = 0;
  const onDelivered = (body) => {
    const entry = pending.get(body);
    if (!entry) return;
    pending.delete(body);
    latencies.push(performance.now() - entry.sentAt);
    entry.arrived();
  };
  const clients = await Promise.all(
    pairs.map((pair, index) =>
      target === 'parley'
        ? parleyPair({ wsUrl, receiverWsUrl, ...pair }, onDelivered)
        : relayPair({ relayUrl, index }, onDelivered),
    ),
  );
  const deliver = (index, body) => {
    let arrived;
    const arrival = new Promise((resolve) => (arrived = resolve));
    pending.set(body, { sentAt: performance.now(), arrived });
    const sent = clients[index].send(body).catch(() => {
      failed++;
      pending.delete(body);
      arrived();
    });
    return { sent, arrival };
  };
  const within = (promise, ms) => Promise.race([promise, sleep(ms).then(() => 'late')]);

  // Warm-up, and proof that every receiver's subscription is live: each pair gets a probe through.
  for (const [index] of clients.entries()) {
    const deadline = Date.now() + 10_000;
    let through = false;
    for (let attempt = 0; !through && Date.now() < deadline; attempt++)
      through = (await within(deliver(index, `probe:${index}:${attempt}`).arrival, 500)) !== 'late';
    if (!through) throw new Error(`pair ${index}: no message got through in 10 s`);
  }
  pending.clear();
  latencies.length = 0;
  failed = 0;

  await mark('start');
  const started = performance.now();
  const stopAt = started + seconds * 1000;
  let sent = 0;
  if (pattern === 'closed') {
    await Promise.all(
      clients.map(async (_, index) => {
        for (let seq = 0; performance.now() < stopAt; seq++) {
          sent++;
          if ((await within(deliver(index, `${index}:${seq}`).arrival, 5000)) === 'late') break;
        }
      }),
    );
  } else {
    const interval = (1000 * clients.length) / rate; // each sender's gap between messages
    await Promise.all(
      clients.map(async (_, index) => {
        const offset = (interval * index) / clients.length;
        for (let seq = 0; ; seq++) {
          const due = started + offset + seq * interval;
          if (due >= stopAt) break;
          const wait = due - performance.now();
          if (wait > 0) await sleep(wait);
          sent++;
          deliver(index, `${index}:${seq}`);
        }
      }),
    );
  }
  const elapsed = (performance.now() - started) / 1000;
  const drainUntil = Date.now() + 5000;
  while (pending.size && Date.now() < drainUntil) await sleep(20);
  const lost = pending.size;
  await mark('end');
  await Promise.all(clients.map((client) => client.close())).catch(() => {});
  return {
    sent,
    delivered: latencies.length,
    failed,
    lost,
    seconds: elapsed,
    perSecond: latencies.length / elapsed,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
  };
});
