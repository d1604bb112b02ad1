import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type FakeModelServer, startFakeModelServer } from '../test/fake-model-server';
import { codeOf, connect, gql, type Socket, subscribe, untilLive } from '../test/graphql-client';
import { finished, modelEnv, submitChat, waitForJob } from '../test/jobs-client';
import { CHANGES, DELETE, PREVIEW, TRANSCRIPT } from '../test/research-client';
import { type ServerMode, type ServerProcess, startServer, testEnv } from '../test/server-process';
import {
  CONSENT,
  ME,
  newResearcher,
  openLink,
  reasonOf,
  SAVE,
  seenByModel,
  sql,
  studiesDir,
  TASK,
} from '../test/study-client';

const studyFor = (slug: string) => ({
  slug,
  title: 'Workbench',
  consent: 'ok',
  completionCode: 'W1',
  bonus: { perScorePoint: 0.25, max: 0.4 },
  conditions: [
    { name: 'chat', chat: true, systemPrompt: 'Be brief.' },
    { name: 'other', chat: true, systemPrompt: 'Be thorough.' },
  ],
  tasks: [
    {
      id: 'talk',
      title: 'Talk',
      chat: true,
      questions: [
        { id: 'q1', type: 'single_choice', text: 'Yes?', options: ['yes', 'no'], correct: 'yes' },
        { id: 'q2', type: 'single_choice', text: 'Sure?', options: ['yes', 'no'], correct: 'yes' },
        {
          id: 'attn',
          type: 'single_choice',
          text: 'Pick Blue',
          options: ['Red', 'Blue'],
          correct: 'Blue',
          attentionCheck: true,
        },
      ],
    },
  ],
});

type Event = {
  studyParticipantChanged: { participationId: string; deleted: boolean; row: Record<string, any> | null };
};
const about =
  (id: string, check: (row: Record<string, any>) => boolean = () => true) =>
  (e: Event) =>
    e.studyParticipantChanged.participationId === id &&
    !!e.studyParticipantChanged.row &&
    check(e.studyParticipantChanged.row);

for (const mode of ['single-node', 'redis'] as ServerMode[]) {
  describe(`research workbench (${mode})`, () => {
    let fake: FakeModelServer;
    let server: ServerProcess;
    let researcher: string;
    let socket: Socket;
    const slug = `bench-${mode}`;
    before(async () => {
      fake = await startFakeModelServer();
      const dir = await studiesDir({ 'bench.json': studyFor(slug) });
      server = await startServer(testEnv(mode, { ...modelEnv(fake), STUDIES_DIR: dir }));
      researcher = await newResearcher(server.url);
      socket = connect(server.wsUrl, researcher);
    });
    after(async () => {
      await socket.client.dispose();
      await server.stop();
      await fake.close();
    });
    const asResearcher = (query: string, variables: Record<string, unknown> = {}) =>
      gql(server.url, query, variables, researcher);

    test('a participant appears and moves through statuses live; the transcript is what the model received', async () => {
      const live = subscribe<Event>(socket, CHANGES, { slug });
      await untilLive(
        live,
        () => openLink(server.url, slug),
        () => true,
      );
      const p = await openLink(server.url, slug);
      assert.equal(
        (await live.next(about(p.id, (r) => r.status === 'OPENED'))).studyParticipantChanged.row?.preview,
        false,
      );
      await gql(server.url, CONSENT, {}, p.token);
      await live.next(about(p.id, (r) => r.status === 'STARTED' && r.condition !== null));

      const job = await submitChat(server.url, p.token, {
        taskId: 'talk',
        messages: [{ role: 'user', content: 'hello there' }],
      });
      const done = await waitForJob(server.url, p.token, job.data?.submitChat.id as string, finished);
      assert.equal(done.state, 'COMPLETED');
      const usage = done.usage as { prompt_tokens: number; completion_tokens: number };
      await live.next(about(p.id, (r) => r.turns === 2 && r.tokens === usage.prompt_tokens + usage.completion_tokens));

      const wrong = await gql(
        server.url,
        TASK,
        { task: 'talk', answers: { q1: 'yes', q2: 'no', attn: 'Red' }, complete: true },
        p.token,
      );
      assert.equal(reasonOf(wrong), 'ATTENTION_CHECK');
      await live.next(about(p.id, (r) => r.attentionFailures === 1 && r.currentTask === 0));
      await gql(server.url, TASK, { task: 'talk', answers: { attn: 'Blue' }, complete: true }, p.token);
      await live.next(about(p.id, (r) => r.currentTask === 1));
      const saved = await gql(
        server.url,
        SAVE,
        { input: { studySlug: slug, participantId: p.participantId, data: {} } },
        p.token,
      );
      assert.equal(saved.data?.saveParticipation.score, 1, 'q1 right, q2 wrong');
      await live.next(about(p.id, (r) => r.status === 'COMPLETED' && r.score === 1 && r.taskTimes[0].seconds !== null));
      live.dispose();

      const t = (await asResearcher(TRANSCRIPT, { slug, id: p.id })).data?.participantTranscript;
      const [task] = t.tasks;
      assert.deepEqual(task.answers, { q1: 'yes', q2: 'no', attn: 'Blue' });
      assert.deepEqual(
        task.attentionFailures.map((f: any) => [f.questionId, f.answer, f.policy]),
        [['attn', 'Red', 'block']],
      );
      const sent = fake.requests.find((r) => r.messages.some((m) => seenByModel(m).text === 'hello there'));
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
        await asResearcher(
          `query($slug: String!) { studyCharts(slug: $slug) {
            arrivals { condition bucket count } completions { condition count } minutesToComplete { count }
            scores { condition bucket count } attention { condition participants failed rate } } }`,
          { slug },
        )
      ).data?.studyCharts;
      const mineCondition = t.participant.condition;
      assert.ok(charts.completions.some((c: any) => c.condition === mineCondition && c.count >= 1));
      assert.deepEqual(charts.scores, [{ condition: mineCondition, bucket: '1', count: 1 }]);
      const rate = charts.attention.find((a: any) => a.condition === mineCondition);
      assert.equal(rate.failed, 1);
      assert.equal(rate.rate, 1 / rate.participants);
      assert.ok(charts.arrivals.some((a: any) => a.bucket.endsWith(':00Z')));

      const csv = (await asResearcher('query($slug: String!) { prolificReview(slug: $slug) }', { slug })).data
        ?.prolificReview as string;
      assert.ok(csv.startsWith('\uFEFFparticipant_id,status,decision,reason,bonus\n'));
      assert.ok(csv.includes(`${p.participantId},COMPLETED,REJECT,failed attention checks (1),0.25\n`), csv);
    });

    test('a preview is shown only when asked for, left out of stats and exports, and deleted with its turns at once', async () => {
      const all = subscribe<Event>(socket, CHANGES, { slug, previews: true });
      const real = subscribe<Event>(socket, CHANGES, { slug });
      await untilLive(
        all,
        () => openLink(server.url, slug),
        () => true,
      );
      await untilLive(
        real,
        () => openLink(server.url, slug),
        () => true,
      );
      const started = async () =>
        (await asResearcher('{ studies { slug conditions { condition started } } }')).data?.studies.find(
          (s: { slug: string }) => s.slug === slug,
        ).conditions;
      const before = await started();

      const chatty = (await asResearcher(PREVIEW, { slug, condition: 'other' })).data?.startPreview;
      assert.deepEqual([chatty.condition, chatty.status], ['other', 'STARTED']);
      assert.match(chatty.participantId, /^preview-/);
      await all.next(about(chatty.id, (r) => r.preview));
      const sent = await submitChat(server.url, chatty.token, {
        taskId: 'talk',
        messages: [{ role: 'user', content: 'preview' }],
      });
      await waitForJob(server.url, chatty.token, sent.data?.submitChat.id as string, finished);
      await all.next(about(chatty.id, (r) => r.turns === 2));
      const seen = (await asResearcher(TRANSCRIPT, { slug, id: chatty.id })).data?.participantTranscript;
      assert.equal(seen.tasks[0].turns[0].systemPrompt, 'Be thorough.', 'the chosen condition');

      // Events of one study arrive in order: the real-only subscription skipped the previews.
      const marker = await openLink(server.url, slug);
      await real.next(about(marker.id));
      assert.ok(!real.events.some((e) => e.studyParticipantChanged.row?.preview));
      assert.deepEqual(await started(), before, 'previews are not counted');
      const exported = async (includePreviews: boolean) =>
        (
          await asResearcher(
            'query($slug: String!, $p: Boolean) { studyExport(slug: $slug, format: JSONL, includePreviews: $p) }',
            {
              slug,
              p: includePreviews,
            },
          )
        ).data?.studyExport as string;
      assert.ok(!(await exported(false)).includes(chatty.participantId));
      assert.ok((await exported(true)).includes(chatty.participantId));
      assert.ok(
        !(
          (await asResearcher('query($slug: String!) { prolificReview(slug: $slug) }', { slug })).data
            ?.prolificReview ?? ''
        ).includes('preview-'),
      );
      assert.equal(codeOf(await asResearcher(PREVIEW, { slug, condition: 'nope' })), 'BAD_USER_INPUT');

      const deleted = await asResearcher(DELETE, { slug, id: chatty.id });
      assert.equal(deleted.data?.deleteParticipation.preview, true);
      await all.next(
        (e) => e.studyParticipantChanged.participationId === chatty.id && e.studyParticipantChanged.deleted,
      );
      const left = await sql('SELECT count(*)::int AS n FROM "StudyTurn" WHERE "participationId" = $1', [chatty.id]);
      assert.equal(left[0]?.n, 0);
      assert.equal(codeOf(await gql(server.url, ME, {}, chatty.token)), 'UNAUTHENTICATED');
      all.dispose();
      real.dispose();
    });

    test("a real participant's data is deleted only with their id typed as confirmation, and the deletion is logged", async () => {
      const p = await openLink(server.url, slug);
      for (const confirm of [undefined, 'someone-else', 'x'.repeat(1024 * 1024)]) {
        const res = await asResearcher(DELETE, { slug, id: p.id, confirm });
        assert.ok(['BAD_USER_INPUT', 'PAYLOAD_TOO_LARGE'].includes(String(codeOf(res))), JSON.stringify(res.errors));
      }
      assert.equal(reasonOf(await asResearcher(DELETE, { slug, id: p.id })), 'CONFIRMATION_REQUIRED');
      assert.equal(
        codeOf(await gql(server.url, DELETE, { slug, id: p.id, confirm: p.participantId }, p.token)),
        'UNAUTHENTICATED',
      );
      const racing = await Promise.all(
        Array.from({ length: 40 }, () => asResearcher(DELETE, { slug, id: p.id, confirm: p.participantId })),
      );
      assert.equal(racing.filter((r) => r.data?.deleteParticipation).length, 1, 'deleted once');
      assert.ok(racing.every((r) => r.data?.deleteParticipation || codeOf(r) === 'NOT_FOUND'));
      const log = await sql(
        'SELECT "participantId", preview FROM "ParticipationDeletion" WHERE "participationId" = $1',
        [p.id],
      );
      assert.deepEqual(log, [{ participantId: p.participantId, preview: false }]);
    });
  });
}
