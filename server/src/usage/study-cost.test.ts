import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type FakeModelServer, startFakeModelServer } from '../test/fake-model-server';
import { gql, register } from '../test/graphql-client';
import { finished, type Job, modelEnv, submitChat, waitForJob } from '../test/jobs-client';
import { PREVIEW, participantsPage } from '../test/research-client';
import { type ServerProcess, startServer, testEnv, uniqueName } from '../test/server-process';
import { consented, newAdmin, newResearcher, studiesDir } from '../test/study-client';

const PRICE = { input: 3, output: 15 };
const USAGE = `query($slug: String!, $p: Boolean) { studyUsage(slug: $slug, includePreviews: $p) {
  total { calls promptTokens completionTokens costUsd unpricedCalls }
  byCondition { key calls costUsd } byModel { key calls } tokenBudget budgetSpent budgetExhausted } }`;
const study = {
  slug: 'priced',
  title: 'Priced',
  consent: 'ok',
  completionCode: 'P1',
  tokenBudget: 100_000,
  conditions: [{ name: 'only', chat: true, systemPrompt: 'Hi.' }],
  tasks: [{ id: 'talk', title: 'Talk', chat: true }],
};
const BUDGET = 400;
const tight = { ...study, slug: 'tight', tokenBudget: BUDGET };
const costOf = (job: Job) => {
  const u = job.usage as { prompt_tokens: number; completion_tokens: number };
  return (u.prompt_tokens * PRICE.input + u.completion_tokens * PRICE.output) / 1e6;
};
const close = (a: number, b: number) => Math.abs(a - b) < 1e-12;

describe('usage and cost', () => {
  let fake: FakeModelServer;
  let server: ServerProcess;
  before(async () => {
    fake = await startFakeModelServer();
    const env = { ...modelEnv(fake), MODEL_PRICES: JSON.stringify({ 'test-model': PRICE }) };
    server = await startServer(
      testEnv('single-node', { ...env, STUDIES_DIR: await studiesDir({ 'p.json': study, 't.json': tight }) }),
    );
  });
  after(async () => {
    await server.stop();
    await fake.close();
  });

  const chat = async (token: string, content: string, taskId?: string) => {
    const res = await submitChat(server.url, token, {
      ...(taskId ? { taskId } : {}),
      messages: [{ role: 'user', content }],
    });
    return waitForJob(server.url, token, res.data?.submitChat.id as string, finished);
  };

  test("a study's cost is the model's reported usage times the configured price, per study, condition and participant", async () => {
    const researcher = await newResearcher(server.url);
    const p = await consented(server.url, 'priced');
    const jobs = [await chat(p.token, 'one', 'talk'), await chat(p.token, 'two two', 'talk')];
    const expected = jobs.reduce((sum, j) => sum + costOf(j), 0);
    const preview = (await gql(server.url, PREVIEW, { slug: 'priced', condition: 'only' }, researcher)).data
      ?.startPreview;
    const previewJob = await chat(preview.token, 'preview', 'talk');

    const usage = (await gql(server.url, USAGE, { slug: 'priced' }, researcher)).data?.studyUsage;
    assert.equal(usage.total.calls, 2, 'previews left out');
    assert.ok(close(usage.total.costUsd, expected), `${usage.total.costUsd} vs ${expected}`);
    assert.equal(usage.total.unpricedCalls, 0);
    assert.deepEqual(
      usage.byCondition.map((c: { key: string; calls: number }) => [c.key, c.calls]),
      [['only', 2]],
    );
    assert.deepEqual(usage.byModel, [{ key: 'test-model', calls: 2 }]);
    assert.equal(usage.tokenBudget, 100_000);
    assert.equal(usage.budgetExhausted, false);
    const withPreviews = (await gql(server.url, USAGE, { slug: 'priced', p: true }, researcher)).data?.studyUsage;
    assert.ok(close(withPreviews.total.costUsd, expected + costOf(previewJob)));

    const page = await participantsPage(server.url, researcher, {
      slug: 'priced',
      filter: { search: p.participantId },
    });
    assert.ok(close(page.rows[0]?.costUsd, expected), `${JSON.stringify(page.rows)} vs ${expected}`);
  });

  test('a study budget holds under 50 concurrent chats (one call in flight at most) and the researcher is told once it is spent', async () => {
    const researcher = await newResearcher(server.url);
    const people = await Promise.all(Array.from({ length: 10 }, () => consented(server.url, 'tight')));
    const burst = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        submitChat(server.url, (people[i % 10] as { token: string }).token, {
          taskId: 'talk',
          messages: [{ role: 'user', content: `spend ${i} [tokens:20]` }],
        }).then((res) => ({ res, token: (people[i % 10] as { token: string }).token })),
      ),
    );
    const accepted = burst.filter((b) => b.res.data?.submitChat);
    assert.ok(accepted.length > 0 && accepted.length < 50, `${accepted.length} accepted`);
    for (const b of burst.filter((x) => !x.res.data?.submitChat))
      assert.equal(b.res.errors?.[0]?.extensions?.reason, 'BUDGET_EXHAUSTED');
    const jobs: Job[] = [];
    for (const b of accepted)
      jobs.push(await waitForJob(server.url, b.token, b.res.data?.submitChat.id as string, finished));
    const used = jobs.map((j) => (j.usage as { total_tokens: number }).total_tokens);
    const total = used.reduce((a, b) => a + b, 0);
    assert.ok(total < BUDGET + Math.max(...used), `${total} tokens for a budget of ${BUDGET}`);

    // Spend what is left, then the researcher sees the budget spent and new chats are refused.
    let refused = false;
    for (let i = 0; i < 40 && !refused; i++) {
      const res = await submitChat(server.url, (people[i % 10] as { token: string }).token, {
        taskId: 'talk',
        messages: [{ role: 'user', content: `more ${i} [tokens:20]` }],
      });
      if (res.errors) refused = res.errors[0]?.extensions?.reason === 'BUDGET_EXHAUSTED';
      else
        await waitForJob(
          server.url,
          (people[i % 10] as { token: string }).token,
          res.data?.submitChat.id as string,
          finished,
        );
    }
    assert.ok(refused);
    const usage = (await gql(server.url, USAGE, { slug: 'tight' }, researcher)).data?.studyUsage;
    assert.equal(usage.budgetExhausted, true);
    assert.ok(usage.budgetSpent >= BUDGET);
    assert.equal(usage.tokenBudget, BUDGET);
  });

  test('the admin sees calls, tokens and cost per day, user, bot and model; unpriced models show no cost', async () => {
    const admin = await newAdmin(server.url);
    const user = await register(server.url, uniqueName('spender'));
    const job = await chat(user.token, 'priced call');
    const res = await submitChat(server.url, user.token, {
      model: 'other-model',
      messages: [{ role: 'user', content: 'x' }],
    });
    if (res.data?.submitChat) await waitForJob(server.url, user.token, res.data.submitChat.id, finished);
    const rows = (
      await gql(
        server.url,
        '{ usageReport(days: 7) { day username bot studySlug model calls promptTokens completionTokens costUsd } }',
        {},
        admin,
      )
    ).data?.usageReport as Record<string, any>[];
    const mine = rows.filter((r) => r.username === user.user.username);
    const priced = mine.find((r) => r.model === 'test-model');
    assert.equal(priced?.day, new Date().toISOString().slice(0, 10));
    assert.equal(priced?.calls, 1);
    assert.ok(close(priced?.costUsd, costOf(job)));
    if (res.data?.submitChat) assert.equal(mine.find((r) => r.model === 'other-model')?.costUsd, null);
    assert.ok(
      rows.some((r) => r.studySlug === 'priced' && r.username === null),
      'participants’ calls by study',
    );
  });
});
