// Row 5's client: `count` participants of the bench study, `lanes` at a time, each going start → consent →
// one model turn (followed over graphql-ws, as the browser does) → answers → final save, then saving once more:
// that second save must answer alreadyExisted. Reports completions per second and the saves counted.
import { randomBytes } from 'node:crypto';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { generator, inLanes, mark } from '../lib/generator.mjs';
import { percentile } from '../lib/stats.mjs';

const P = 'token status';
const START = `mutation($input: StartParticipationInput!) { startParticipation(input: $input) { ${P} } }`;
const CONSENT = `mutation { giveConsent { ${P} } }`;
const CHAT = 'mutation($input: SubmitChatInput!) { submitChat(input: $input) { id state } }';
const FOLLOW = 'subscription($id: ID!) { jobUpdated(id: $id) { state } }';
const ANSWER = `mutation($a: JSON!) { saveTaskAnswers(taskId: "talk", answers: $a, complete: true) { ${P} } }`;
const SAVE = 'mutation($input: SaveParticipationInput!) { saveParticipation(input: $input) { saved alreadyExisted } }';

generator(async ({ url, count, lanes, slug = 'bench' }) => {
  const call = async (query, variables, token) => {
    const res = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    const body = await res.json();
    if (body.errors) throw new Error(`${query.slice(0, 40)}: ${JSON.stringify(body.errors)}`);
    return body.data;
  };
  const wsUrl = `${url.replace(/^http/, 'ws')}/graphql`;
  /** Follows the job until it ends, on a socket of the participant's own (closed after). */
  const finished = (id, token) => {
    const socket = createClient({
      url: wsUrl,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${token}` },
    });
    let timer;
    return new Promise((resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`job ${id} not finished in 120 s`)), 120_000);
      socket.subscribe(
        { query: FOLLOW, variables: { id } },
        {
          next: ({ data, errors }) => {
            const state = data?.jobUpdated.state;
            if (errors || state === 'FAILED' || state === 'CANCELED')
              reject(new Error(`job ${id}: ${state ?? JSON.stringify(errors)}`));
            else if (state === 'COMPLETED') resolve();
          },
          error: (error) => reject(new Error(`job ${id}: ${JSON.stringify(error)}`)),
          complete: () => {},
        },
      );
    }).finally(() => {
      clearTimeout(timer);
      socket.dispose();
    });
  };
  const totals = { saved: 0, alreadyExisted: 0, failed: 0, errors: [] };
  const durations = [];
  const one = async () => {
    const t0 = performance.now();
    const participantId = randomBytes(12).toString('hex');
    const resumeSecret = randomBytes(24).toString('base64url');
    const opened = await call(START, { input: { studySlug: slug, participantId, resumeSecret } });
    const { token } = (await call(CONSENT, {}, opened.startParticipation.token)).giveConsent;
    const job = (await call(CHAT, { input: { taskId: 'talk', messages: [{ role: 'user', content: 'hello' }] } }, token))
      .submitChat;
    await finished(job.id, token);
    await call(ANSWER, { a: { felt: 'fine' } }, token);
    const input = { studySlug: slug, participantId, data: { bench: true } };
    const first = (await call(SAVE, { input }, token)).saveParticipation;
    const again = (await call(SAVE, { input }, token)).saveParticipation;
    if (first.saved) totals.saved++;
    if (again.alreadyExisted && !again.saved) totals.alreadyExisted++;
    durations.push(performance.now() - t0);
  };
  await mark('start');
  const started = performance.now();
  await inLanes(count, lanes, () =>
    one().catch((error) => {
      totals.failed++;
      if (totals.errors.length < 5) totals.errors.push(String(error.message ?? error));
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  await mark('end');
  return {
    count,
    lanes,
    ...totals,
    seconds,
    perSecond: totals.saved / seconds,
    p50: percentile(durations, 50),
    p99: percentile(durations, 99),
  };
});
