import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { codeOf, gql, subscribe, untilLive } from '../test/graphql-client';
import { finished, submitChat, waitForJob } from '../test/jobs-client';
import { CHANGES, DELETE, PREVIEW, TRANSCRIPT } from '../test/research-client';
import type { ServerMode } from '../test/server-process';
import { ME, openLink, reasonOf, sql } from '../test/study-client';
import { about, type Event, useWorkbench } from '../test/workbench-fixture';

for (const mode of ['single-node', 'redis'] as ServerMode[]) {
  describe(`research workbench: previews and deletions (${mode})`, () => {
    const bench = useWorkbench(mode, `prev-${mode}`);
    const { slug } = bench;

    test('a preview is shown only when asked for, left out of stats and exports, and deleted with its turns at once', async () => {
      const all = subscribe<Event>(bench.socket, CHANGES, { slug, previews: true });
      const real = subscribe<Event>(bench.socket, CHANGES, { slug });
      await untilLive(
        all,
        () => openLink(bench.server.url, slug),
        () => true,
      );
      await untilLive(
        real,
        () => openLink(bench.server.url, slug),
        () => true,
      );
      const started = async () =>
        (await bench.asResearcher('{ studies { slug conditions { condition started } } }')).data?.studies.find(
          (s: { slug: string }) => s.slug === slug,
        ).conditions;
      const before = await started();

      const chatty = (await bench.asResearcher(PREVIEW, { slug, condition: 'other' })).data?.startPreview;
      assert.deepEqual([chatty.condition, chatty.status], ['other', 'STARTED']);
      assert.match(chatty.participantId, /^preview-/);
      await all.next(about(chatty.id, (r) => r.preview));
      const sent = await submitChat(bench.server.url, chatty.token, {
        taskId: 'talk',
        messages: [{ role: 'user', content: 'preview' }],
      });
      await waitForJob(bench.server.url, chatty.token, sent.data?.submitChat.id as string, finished);
      await all.next(about(chatty.id, (r) => r.turns === 2));
      const seen = (await bench.asResearcher(TRANSCRIPT, { slug, id: chatty.id })).data?.participantTranscript;
      assert.equal(seen.tasks[0].turns[0].systemPrompt, 'Be thorough.', 'the chosen condition');

      // Events of one study arrive in order: the real-only subscription skipped the previews.
      const marker = await openLink(bench.server.url, slug);
      await real.next(about(marker.id));
      assert.ok(!real.events.some((e) => e.studyParticipantChanged.row?.preview));
      assert.deepEqual(await started(), before, 'previews are not counted');
      const exported = async (includePreviews: boolean) =>
        (
          await bench.asResearcher(
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
          (await bench.asResearcher('query($slug: String!) { prolificReview(slug: $slug) }', { slug })).data
            ?.prolificReview ?? ''
        ).includes('preview-'),
      );
      assert.equal(codeOf(await bench.asResearcher(PREVIEW, { slug, condition: 'nope' })), 'BAD_USER_INPUT');

      const deleted = await bench.asResearcher(DELETE, { slug, id: chatty.id });
      assert.equal(deleted.data?.deleteParticipation.preview, true);
      await all.next(
        (e) => e.studyParticipantChanged.participationId === chatty.id && e.studyParticipantChanged.deleted,
      );
      const left = await sql('SELECT count(*)::int AS n FROM "StudyTurn" WHERE "participationId" = $1', [chatty.id]);
      assert.equal(left[0]?.n, 0);
      assert.equal(codeOf(await gql(bench.server.url, ME, {}, chatty.token)), 'UNAUTHENTICATED');
      all.dispose();
      real.dispose();
    });

    test("a real participant's data is deleted only with their id typed as confirmation, and the deletion is logged", async () => {
      const p = await openLink(bench.server.url, slug);
      for (const confirm of [undefined, 'someone-else', 'x'.repeat(1024 * 1024)]) {
        const res = await bench.asResearcher(DELETE, { slug, id: p.id, confirm });
        assert.ok(['BAD_USER_INPUT', 'PAYLOAD_TOO_LARGE'].includes(String(codeOf(res))), JSON.stringify(res.errors));
      }
      assert.equal(reasonOf(await bench.asResearcher(DELETE, { slug, id: p.id })), 'CONFIRMATION_REQUIRED');
      assert.equal(
        codeOf(await gql(bench.server.url, DELETE, { slug, id: p.id, confirm: p.participantId }, p.token)),
        'UNAUTHENTICATED',
      );
      const racing = await Promise.all(
        Array.from({ length: 40 }, () => bench.asResearcher(DELETE, { slug, id: p.id, confirm: p.participantId })),
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
