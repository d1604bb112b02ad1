import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { BIG_STUDY, BIG_STUDY_SIZE as N, seedBigStudy } from '../test/big-study';
import { codeOf, gql, register } from '../test/graphql-client';
import { PAGE, participantsPage } from '../test/research-client';
import { type ServerProcess, startServer, testEnv } from '../test/server-process';
import { newResearcher, studiesDir } from '../test/study-client';

describe('the participants table of a study of 10,000', () => {
  let server: ServerProcess;
  let researcher: string;
  before(async () => {
    server = await startServer(testEnv('single-node', { STUDIES_DIR: await studiesDir({ 'big.json': BIG_STUDY }) }));
    researcher = await newResearcher(server.url);
    await seedBigStudy();
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
