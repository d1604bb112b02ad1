import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { codeOf, gql, register } from '../test/graphql-client';
import { PAGE, participantsPage } from '../test/research-client';
import { type ServerProcess, startServer, testEnv } from '../test/server-process';
import { newResearcher, sql, studiesDir } from '../test/study-client';

const study = {
  slug: 'big',
  title: 'Ten thousand',
  consent: 'ok',
  completionCode: 'B1',
  participantIdPattern: '^[0-9a-f]{24}$',
  conditions: [
    { name: 'a', chat: false },
    { name: 'b', chat: false },
  ],
  tasks: [
    { id: 't1', title: 'One' },
    { id: 't2', title: 'Two' },
  ],
};
const N = 10_000;
const STATUSES = ['OPENED', 'STARTED', 'COMPLETED', 'RETURNED', 'TIMED_OUT'];

/** 10,000 participants straight into Postgres: a status each in turn, records, failed checks and turns for some. */
async function seed() {
  await sql(
    `
    INSERT INTO "Participation" (id, "studySlug", "participantId", condition, status, "currentTask", "taskOrder",
      "startedAt", "consentedAt", "completedAt", "taskDoneAt")
    SELECT gen_random_uuid(), 'big', lpad(to_hex(g), 24, '0'),
      CASE WHEN g % 5 = 0 THEN NULL WHEN g % 2 = 0 THEN 'a' ELSE 'b' END,
      ($1::text[])[1 + g % 5]::"ParticipationStatus", g % 3, '["t1","t2"]'::jsonb,
      now() - make_interval(secs => g * 60), now() - make_interval(secs => g * 60 - 30),
      CASE WHEN g % 5 = 2 THEN now() - make_interval(secs => g * 60 - 600) END,
      jsonb_build_object('t1', to_char((now() - make_interval(secs => g * 60 - 200)) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'))
    FROM generate_series(1, ${N}) g`,
    [STATUSES],
  );
  await sql(`
    INSERT INTO "ParticipationRecord" ("participationId", data, score, "scoreTotal")
    SELECT id, '{}'::jsonb, ('x' || substr("participantId", 21, 4))::bit(16)::int % 4, 3
    FROM "Participation" WHERE "studySlug" = 'big' AND status = 'COMPLETED'`);
  await sql(`
    INSERT INTO "AttentionFailure" (id, "participationId", "taskId", "questionId", policy)
    SELECT gen_random_uuid(), id, 't2', 'attention', 'record'
    FROM "Participation" WHERE "studySlug" = 'big' AND right("participantId", 1) = '7'`);
  await sql(`
    INSERT INTO "StudyTurn" (id, "participationId", "taskId", role, text, "promptTokens", "completionTokens")
    SELECT gen_random_uuid(), id, 't1', r.role, 'hi', r.p, r.c
    FROM "Participation", (VALUES ('user', NULL::int, NULL::int), ('assistant', 20, 5)) AS r(role, p, c)
    WHERE "studySlug" = 'big' AND right("participantId", 1) = '3'`);
  await sql('ANALYZE');
}

describe('the participants table of a study of 10,000', () => {
  let server: ServerProcess;
  let researcher: string;
  before(async () => {
    server = await startServer(testEnv('single-node', { STUDIES_DIR: await studiesDir({ 'big.json': study }) }));
    researcher = await newResearcher(server.url);
    await seed();
  });
  after(() => server.stop());

  test('pages are sorted, filtered and searched on the server, and never repeat or skip a row', async () => {
    const first = await participantsPage(server.url, researcher, { slug: 'big', limit: 200 });
    assert.equal(first.total, N);
    assert.equal(first.rows.length, 200);
    const starts = first.rows.map((r) => Date.parse(r.startedAt));
    assert.deepEqual(
      starts,
      [...starts].sort((a, b) => b - a),
      'newest first by default',
    );

    const seen = new Set<string>();
    for (let offset = 0; offset < 1000; offset += 100) {
      const page = await participantsPage(server.url, researcher, {
        slug: 'big',
        sort: 'CONDITION',
        direction: 'ASC',
        offset,
        limit: 100,
      });
      for (const row of page.rows) seen.add(row.id);
    }
    assert.equal(seen.size, 1000, 'ties on condition are broken by id');

    const completed = await participantsPage(server.url, researcher, {
      slug: 'big',
      filter: { statuses: ['COMPLETED'], condition: 'a' },
      sort: 'SCORE',
      direction: 'DESC',
      limit: 50,
    });
    assert.equal(completed.total, N / 10);
    assert.ok(completed.rows.every((r) => r.status === 'COMPLETED' && r.condition === 'a' && r.scoreTotal === 3));
    const scores = completed.rows.map((r) => r.score as number);
    assert.deepEqual(
      scores,
      [...scores].sort((a, b) => b - a),
    );

    const failed = await participantsPage(server.url, researcher, { slug: 'big', filter: { failedChecks: true } });
    assert.equal(failed.total, N / 16, 'ids ending in 7');
    assert.ok(failed.rows.every((r) => r.attentionFailures === 1));

    const chatty = await participantsPage(server.url, researcher, { slug: 'big', filter: { search: '0003' } });
    assert.ok(chatty.total > 0);
    assert.ok(chatty.rows.every((r) => r.participantId.includes('0003')));
    const withTurns = chatty.rows.find((r) => r.participantId.endsWith('3'));
    assert.equal(withTurns?.turns, 2);
    assert.equal(withTurns?.tokens, 25);
    const timed = first.rows.find((r) => r.consentedAt);
    assert.equal(timed?.taskTimes[0].taskId, 't1');
    assert.ok(Math.abs((timed?.taskTimes[0].seconds ?? 0) - 170) <= 1, 'time on task 1: consent to its end');
  });

  test('one page answers in under 200 ms (median of three, first, middle and last pages, filtered and sorted)', async () => {
    const pages = [
      { slug: 'big', limit: 50 },
      { slug: 'big', offset: 5000, limit: 50, sort: 'PARTICIPANT_ID', direction: 'ASC' },
      { slug: 'big', offset: N - 50, limit: 50 },
      { slug: 'big', limit: 50, filter: { statuses: ['COMPLETED', 'RETURNED'], failedChecks: true }, sort: 'SCORE' },
      { slug: 'big', limit: 50, filter: { search: 'abc' }, sort: 'COMPLETED_AT' },
    ];
    await participantsPage(server.url, researcher, pages[0] as Record<string, unknown>); // warm the connection pool
    for (const variables of pages) {
      const times: number[] = [];
      for (let i = 0; i < 3; i++) {
        const start = performance.now();
        await participantsPage(server.url, researcher, variables);
        times.push(performance.now() - start);
      }
      const median = times.sort((a, b) => a - b)[1] as number;
      assert.ok(median < 200, `${JSON.stringify(variables)}: ${median.toFixed(0)} ms`);
    }
  });

  test('bad paging, a huge search and callers who are not researchers are refused with a stable code', async () => {
    const ask = (variables: Record<string, unknown>, token = researcher) => gql(server.url, PAGE, variables, token);
    assert.equal(codeOf(await ask({ slug: 'big', limit: 201 })), 'BAD_USER_INPUT');
    assert.equal(codeOf(await ask({ slug: 'big', limit: 0 })), 'BAD_USER_INPUT');
    assert.equal(codeOf(await ask({ slug: 'big', offset: -1 })), 'BAD_USER_INPUT');
    assert.equal(codeOf(await ask({ slug: 'big', filter: { search: 'x'.repeat(129) } })), 'BAD_USER_INPUT');
    const huge = await ask({ slug: 'big', filter: { search: 'x'.repeat(1024 * 1024) } });
    assert.ok(['BAD_USER_INPUT', 'PAYLOAD_TOO_LARGE'].includes(String(codeOf(huge))), JSON.stringify(huge.errors));
    assert.equal(codeOf(await ask({ slug: 'big', filter: { statuses: ['NOPE'] } })), 'BAD_USER_INPUT');
    assert.equal(codeOf(await ask({ slug: 'nope' })), 'NOT_FOUND');
    const user = await register(server.url, `u${Date.now()}`);
    assert.equal(codeOf(await ask({ slug: 'big' }, user.token)), 'FORBIDDEN');
    assert.equal(codeOf(await gql(server.url, PAGE, { slug: 'big' })), 'UNAUTHENTICATED');
  });
});
