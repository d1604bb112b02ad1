// Row 3's Parley client. `throughput`: lanes of submitChat → jobUpdated until COMPLETED (jobs/s).
// `ttft`: one call at a time, time from submitChat to the first text on jobUpdated; `direct`: the same
// from a plain openai client to the fake model (the floor Parley adds to).
import { createClient } from 'graphql-ws';
import OpenAI from 'openai';
import WebSocket from 'ws';
import { generator, mark } from '../lib/generator.mjs';
import { percentile } from '../lib/stats.mjs';

const SUBMIT = 'mutation($input: SubmitChatInput!) { submitChat(input: $input) { id state } }';
const FOLLOW = 'subscription($id: ID!) { jobUpdated(id: $id) { id state text } }';
const INPUT = { messages: [{ role: 'user', content: 'hello bench' }] };

async function submit(url, token) {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: SUBMIT, variables: { input: INPUT } }),
  });
  const body = await res.json();
  if (!body.data?.submitChat) throw new Error(JSON.stringify(body.errors));
  return body.data.submitChat.id;
}

/** One job, from submit to COMPLETED: resolves with the ms to the first text and to the end. */
function oneJob(url, socket, token, t0 = performance.now()) {
  return submit(url, token).then(
    (id) =>
      new Promise((resolve, reject) => {
        let firstText;
        const timer = setTimeout(() => reject(new Error(`job ${id} not completed in 15 s`)), 15_000);
        const stop = socket.subscribe(
          { query: FOLLOW, variables: { id } },
          {
            next: ({ data, errors }) => {
              if (errors) return reject(new Error(JSON.stringify(errors)));
              const job = data.jobUpdated;
              if (firstText === undefined && job.text) firstText = performance.now() - t0;
              if (job.state === 'COMPLETED') {
                clearTimeout(timer);
                stop();
                resolve({ firstText, total: performance.now() - t0 });
              } else if (job.state === 'FAILED' || job.state === 'CANCELED') {
                clearTimeout(timer);
                stop();
                reject(new Error(`job ${id} ${job.state}`));
              }
            },
            error: (error) => reject(new Error(JSON.stringify(error))),
            complete: () => {},
          },
        );
      }),
  );
}

async function direct(baseURL, count, seconds) {
  const openai = new OpenAI({ apiKey: 'bench-key', baseURL, maxRetries: 0 });
  const firsts = [];
  const stopAt = performance.now() + seconds * 1000;
  for (let i = 0; i < count && performance.now() < stopAt; i++) {
    const t0 = performance.now();
    const stream = await openai.chat.completions.create({
      model: 'test-model',
      messages: INPUT.messages,
      stream: true,
    });
    let first;
    for await (const chunk of stream)
      if (first === undefined && chunk.choices[0]?.delta?.content) first = performance.now() - t0;
    firsts.push(first);
  }
  return { calls: firsts.length, p50: percentile(firsts, 50), p99: percentile(firsts, 99) };
}

generator(async ({ mode, url, wsUrl, users, baseURL, concurrency, count, seconds }) => {
  if (mode === 'direct') return direct(baseURL, count, seconds);
  const sockets = users.map((user) =>
    createClient({
      url: wsUrl,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      connectionParams: { authorization: `Bearer ${user.token}` },
    }),
  );
  // Warm-up: every lane's socket is open and the path is hot before the clock starts.
  await Promise.all(users.map((user, i) => oneJob(url, sockets[i], user.token)));
  await mark('start');
  let failed = 0;
  const durations = [];
  const firsts = [];
  const started = performance.now();
  const stopAt = started + seconds * 1000;
  const lanes = mode === 'ttft' ? 1 : concurrency;
  let begun = 0;
  await Promise.all(
    Array.from({ length: lanes }, async (_, lane) => {
      const user = users[lane % users.length];
      while (performance.now() < stopAt && begun < count) {
        begun++;
        try {
          const { firstText, total } = await oneJob(url, sockets[lane % users.length], user.token);
          durations.push(total);
          if (firstText !== undefined) firsts.push(firstText);
        } catch {
          failed++;
        }
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  await mark('end');
  await Promise.all(sockets.map((socket) => socket.dispose()));
  return {
    completed: durations.length,
    failed,
    seconds: elapsed,
    perSecond: durations.length / elapsed,
    p50: percentile(durations, 50),
    p99: percentile(durations, 99),
    firstTextP50: percentile(firsts, 50),
    firstTextP99: percentile(firsts, 99),
  };
});
