import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { gql, subscribe, untilLive } from '../test/graphql-client';
import { finished, submitChat, waitForJob } from '../test/jobs-client';
import { CHANGES, TRANSCRIPT } from '../test/research-client';
import type { ServerMode } from '../test/server-process';
import { CONSENT, openLink, reasonOf, SAVE, seenByModel, TASK } from '../test/study-client';
import { about, type Event, useWorkbench } from '../test/workbench-fixture';

for (const mode of ['single-node', 'redis'] as ServerMode[]) {
  describe(`research workbench: a participant watched live (${mode})`, () => {
    const bench = useWorkbench(mode, `live-${mode}`);
    const { slug } = bench;

    test('a participant appears and moves through statuses live; the transcript is what the model received', async () => {
      const live = subscribe<Event>(bench.socket, CHANGES, { slug });
      await untilLive(
        live,
        () => openLink(bench.server.url, slug),
        () => true,
      );
      const p = await openLink(bench.server.url, slug);
      assert.equal(
        (await live.next(about(p.id, (r) => r.status === 'OPENED'))).studyParticipantChanged.row?.preview,
        false,
      );
      await gql(bench.server.url, CONSENT, {}, p.token);
      await live.next(about(p.id, (r) => r.status === 'STARTED' && r.condition !== null));

      const job = await submitChat(bench.server.url, p.token, {
        taskId: 'talk',
        messages: [{ role: 'user', content: 'hello there' }],
      });
      const done = await waitForJob(bench.server.url, p.token, job.data?.submitChat.id as string, finished);
      assert.equal(done.state, 'COMPLETED');
      const usage = done.usage as { prompt_tokens: number; completion_tokens: number };
      await live.next(about(p.id, (r) => r.turns === 2 && r.tokens === usage.prompt_tokens + usage.completion_tokens));

      const wrong = await gql(
        bench.server.url,
        TASK,
        { task: 'talk', answers: { q1: 'yes', q2: 'no', attn: 'Red' }, complete: true },
        p.token,
      );
      assert.equal(reasonOf(wrong), 'ATTENTION_CHECK');
      await live.next(about(p.id, (r) => r.attentionFailures === 1 && r.currentTask === 0));
      await gql(bench.server.url, TASK, { task: 'talk', answers: { attn: 'Blue' }, complete: true }, p.token);
      await live.next(about(p.id, (r) => r.currentTask === 1));
      const saved = await gql(
        bench.server.url,
        SAVE,
        { input: { studySlug: slug, participantId: p.participantId, data: {} } },
        p.token,
      );
      assert.equal(saved.data?.saveParticipation.score, 1, 'q1 right, q2 wrong');
      await live.next(about(p.id, (r) => r.status === 'COMPLETED' && r.score === 1 && r.taskTimes[0].seconds !== null));
      live.dispose();

      const t = (await bench.asResearcher(TRANSCRIPT, { slug, id: p.id })).data?.participantTranscript;
      const [task] = t.tasks;
      assert.deepEqual(task.answers, { q1: 'yes', q2: 'no', attn: 'Blue' });
      assert.deepEqual(
        task.attentionFailures.map((f: any) => [f.questionId, f.answer, f.policy]),
        [['attn', 'Red', 'block']],
      );
      const sent = bench.fake.requests.find((r) => r.messages.some((m) => seenByModel(m).text === 'hello there'));
      assert.ok(sent);
      const [system, user] = sent.messages.map(seenByModel);
      const [mine, reply] = task.turns;
      assert.deepEqual([mine.role, mine.text, mine.systemPrompt], [user?.role, user?.text, system?.text]);
      assert.deepEqual(reply.sentTurnIds, [mine.id], 'the reply was sent exactly the message before it');
      assert.equal(reply.text, done.text);
      assert.deepEqual(
        [reply.model, reply.promptTokens, reply.completionTokens, reply.outcome],
        [sent.model, usage.prompt_tokens, usage.completion_tokens, 'COMPLETED'],
      );
      assert.ok(reply.latencyMs >= 0);

      const charts = (
        await bench.asResearcher(
          `query($slug: String!) { studyCharts(slug: $slug) {
            arrivals { condition bucket count } completions { condition count } minutesToComplete { count }
            scores { condition bucket count } taskMinutes { condition bucket count } attention { condition participants failed rate } } }`,
          { slug },
        )
      ).data?.studyCharts;
      const mineCondition = t.participant.condition;
      assert.ok(charts.completions.some((c: any) => c.condition === mineCondition && c.count >= 1));
      assert.deepEqual(charts.taskMinutes, [{ condition: `talk · ${mineCondition}`, bucket: '0', count: 1 }]);
      assert.deepEqual(charts.scores, [{ condition: mineCondition, bucket: '1', count: 1 }]);
      const rate = charts.attention.find((a: any) => a.condition === mineCondition);
      assert.equal(rate.failed, 1);
      assert.equal(rate.rate, 1 / rate.participants);
      assert.ok(charts.arrivals.some((a: any) => a.bucket.endsWith(':00Z')));

      const csv = (await bench.asResearcher('query($slug: String!) { prolificReview(slug: $slug) }', { slug })).data
        ?.prolificReview as string;
      assert.ok(csv.startsWith('\uFEFFparticipant_id,status,decision,reason,bonus\n'));
      assert.ok(csv.includes(`${p.participantId},COMPLETED,REJECT,failed attention checks (1),0.25\n`), csv);
    });
  });
}
