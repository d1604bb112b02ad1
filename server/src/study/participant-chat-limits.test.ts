import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type FakeModelServer, startFakeModelServer } from '../test/fake-model-server';
import { codeOf, gql } from '../test/graphql-client';
import { finished, modelEnv, submitChat, waitForJob } from '../test/jobs-client';
import { type ServerMode, type ServerProcess, startServer, testEnv, uniqueName } from '../test/server-process';
import { newParticipant, type Participant, seenByModel, sql, studiesDir } from '../test/study-client';
import { pollUntil } from '../test/wait-for';

const BUDGET = 600;
const study = (slug: string, extra: Record<string, unknown>, turnLimit: number) => ({
  slug,
  title: slug,
  consent: 'ok',
  completionCode: 'L1',
  conditions: [{ name: 'only', chat: true, systemPrompt: 'Budget tutor.', maxTokens: 40 }],
  tasks: [{ id: 'talk', title: 'Talk', chat: true, turnLimit }],
  ...extra,
});

type Reply = Awaited<ReturnType<typeof submitChat>>;
const say = (url: string, p: Participant, content: string) =>
  submitChat(url, p.token, { taskId: 'talk', messages: [{ role: 'user', content }] });
const reasons = (replies: Reply[]) =>
  new Set(replies.filter((r) => r.errors).map((r) => `${codeOf(r)}:${r.errors?.[0]?.extensions?.reason}`));

// The turn limit and the budget are counted in Postgres, and the jobs settle in BullMQ or the in-process runner.
for (const mode of ['redis', 'single-node'] as ServerMode[]) {
  describe(`study chat limits (${mode})`, () => {
    let fake: FakeModelServer;
    let server: ServerProcess;
    const budgetSlug = `budget-${mode}`;
    before(async () => {
      fake = await startFakeModelServer();
      const dir = await studiesDir({
        'turns.json': study('turns', {}, 3),
        'budget.json': study(budgetSlug, { tokenBudget: BUDGET }, 10),
        'slow.json': study('slow', {}, 10),
      });
      // Only the study's own limits bind here; two workers, so that a third call waits in the queue.
      const env = {
        ...modelEnv(fake),
        STUDIES_DIR: dir,
        CHAT_MAX_CONCURRENT: '1000',
        CHAT_RATE_PER_MINUTE: '10000',
        WORKER_CONCURRENCY: '2',
      };
      server = await startServer(testEnv(mode, env));
    });
    after(async () => {
      await server.stop();
      await fake.close();
    });

    test('40 concurrent messages in a task with a turn limit of 3 store exactly 3 turns and queue exactly 3 jobs', async () => {
      const p = await newParticipant(server.url, 'turns');
      const marker = uniqueName('burst');
      const replies = await Promise.all(Array.from({ length: 40 }, (_, i) => say(server.url, p, `${marker} #${i}`)));
      const accepted = replies.filter((r) => r.data?.submitChat);
      assert.equal(accepted.length, 3);
      assert.deepEqual(reasons(replies), new Set(['FORBIDDEN:TURN_LIMIT']));
      for (const r of accepted) await waitForJob(server.url, p.token, r.data?.submitChat.id as string, finished);
      const [row] = await sql<{ turns: string; jobs: string }>(
        `SELECT (SELECT count(*) FROM "StudyTurn" WHERE "participationId" = $1 AND role = 'user') AS turns,
                (SELECT count(*) FROM "ChatJob" WHERE "participationId" = $1) AS jobs`,
        [p.id],
      );
      assert.deepEqual([Number(row?.turns), Number(row?.jobs)], [3, 3]);
      const calls = fake.requests.filter((r) => JSON.stringify(r.messages).includes(marker));
      assert.equal(calls.length, 3);
      assert.equal(codeOf(await say(server.url, p, `${marker} later`)), 'FORBIDDEN');

      // Sent at once, the calls saw one another's messages or not: each reply records exactly what its call got.
      const stored = await sql<{ id: string; role: string; text: string; jobId: string; sentTurnIds: string[] }>(
        'SELECT id, role, text, "jobId", "sentTurnIds" FROM "StudyTurn" WHERE "participationId" = $1',
        [p.id],
      );
      const byId = new Map(stored.map((t) => [t.id, t]));
      for (const reply of stored.filter((t) => t.role === 'assistant')) {
        const sent = reply.sentTurnIds.map((id) => byId.get(id));
        const own = stored.find((t) => t.role === 'user' && t.jobId === reply.jobId);
        assert.equal(sent.at(-1), own, 'a call ends with its own message');
        const call = calls.find(
          (c) => seenByModel(c.messages.at(-1) as { role: string; content: unknown }).text === own?.text,
        );
        assert.deepEqual(call?.messages.map(seenByModel), [
          { role: 'system', text: 'Budget tutor.', images: [] },
          ...sent.map((t) => ({ role: t?.role, text: t?.text, images: [] })),
        ]);
      }
    });

    test('a token budget is reserved before queueing, settled with the real usage, and refused once spent (BUDGET_EXHAUSTED)', async () => {
      const spent = async () =>
        sql<{ jobId: string; reserved: number; used: number | null; total: string | null }>(
          `SELECT u."jobId", u.reserved, u.used, j.usage->>'total_tokens' AS total
           FROM "StudyTokenUse" u JOIN "ChatJob" j ON j.id = u."jobId" WHERE u."studySlug" = $1`,
          [budgetSlug],
        );
      // 40 requests at once from 8 participants: the budget holds them back after about its worth.
      const people = await Promise.all(Array.from({ length: 8 }, () => newParticipant(server.url, budgetSlug)));
      const burst = await Promise.all(
        Array.from({ length: 40 }, (_, i) => {
          const p = people[i % people.length] as Participant;
          return say(server.url, p, `spend ${uniqueName('b')} [tokens:20]`).then((reply) => ({ p, reply }));
        }),
      );
      const accepted = burst.filter(({ reply }) => reply.data?.submitChat);
      assert.ok(accepted.length > 0 && accepted.length < 40, `${accepted.length} accepted`);
      assert.deepEqual(reasons(burst.map((b) => b.reply)), new Set(['FORBIDDEN:BUDGET_EXHAUSTED']));
      const inFlight = await spent();
      const largest = Math.max(...inFlight.map((r) => r.reserved));
      const counted = inFlight.reduce((n, r) => n + (r.used ?? r.reserved), 0);
      assert.ok(counted < BUDGET + largest, `${counted} counted: at most one call beyond the budget`);
      for (const { p, reply } of accepted)
        await waitForJob(server.url, p.token, reply.data?.submitChat.id as string, finished);

      // Settled with what the model reported; new chats go on until the budget is really spent.
      let refused: Reply | undefined;
      for (let i = 0; i < 30 && !refused; i++) {
        const p = await newParticipant(server.url, budgetSlug);
        const reply = await say(server.url, p, `more ${uniqueName('b')} [tokens:20]`);
        if (reply.errors) refused = reply;
        else await waitForJob(server.url, p.token, reply.data?.submitChat.id as string, finished);
      }
      assert.equal(refused?.errors?.[0]?.extensions?.reason, 'BUDGET_EXHAUSTED');
      assert.equal(codeOf(refused as Reply), 'FORBIDDEN');
      const ledger = await spent();
      assert.ok(
        ledger.every((r) => r.used !== null && r.used === Number(r.total)),
        'every call settled with its usage',
      );
      assert.ok(
        ledger.every((r) => (r.used as number) <= r.reserved),
        'each reservation covered its call',
      );
      const total = ledger.reduce((n, r) => n + (r.used as number), 0);
      const largestCall = Math.max(...ledger.map((r) => r.used as number));
      assert.ok(total >= BUDGET && total < BUDGET + largestCall, `${total} used of ${BUDGET}`);
    });

    test('a stopped call keeps its reservation if the model said anything, and a call stopped in the queue releases it', async () => {
      const p = await newParticipant(server.url, 'slow');
      const cancel = (id: string) =>
        gql(server.url, 'mutation($id: ID!) { cancelChat(id: $id) { state } }', { id }, p.token);
      const slow = await Promise.all([1, 2].map((i) => say(server.url, p, `slow ${i} [tokens:100] [delay:100]`)));
      const ids = slow.map((r) => r.data?.submitChat.id as string);
      for (const id of ids) await waitForJob(server.url, p.token, id, (job) => job.text.includes('t2 '));
      const waiting = await say(server.url, p, 'third, in the queue');
      const waitingId = waiting.data?.submitChat.id as string;
      assert.equal((await cancel(waitingId)).data?.cancelChat.state, 'CANCELED');
      for (const id of ids) await cancel(id);
      for (const id of ids) await waitForJob(server.url, p.token, id, finished);
      const ledger = await pollUntil(async () => {
        const rows = await sql<{ jobId: string; reserved: number; used: number | null }>(
          'SELECT "jobId", reserved, used FROM "StudyTokenUse" WHERE "participationId" = $1',
          [p.id],
        );
        return rows.length === 3 && rows.every((r) => r.used !== null) ? rows : undefined;
      });
      const byJob = new Map(ledger.map((r) => [r.jobId, r]));
      assert.equal(byJob.get(waitingId)?.used, 0, 'no model call was made');
      for (const id of ids) assert.equal(byJob.get(id)?.used, byJob.get(id)?.reserved, 'no usage report: kept');
    });
  });
}
