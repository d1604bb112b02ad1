import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createDb } from '../db/client';
import { codeOf, type GraphQLResponse, gql } from '../test/graphql-client';
import { type ServerProcess, startServer, testEnv } from '../test/server-process';
import {
  CONSENT,
  completeTasks,
  consented,
  DECLINE,
  ME,
  newResearcher,
  openLink,
  type Participant,
  reasonOf,
  SAVE,
  START,
  sql,
  studiesDir,
  TASK,
  WITHDRAW,
} from '../test/study-client';
import { pollUntil } from '../test/wait-for';
import { attentionFailureRows } from './attention-failures';
import { StudyCatalog } from './study-catalog';

const question = { id: 'q', type: 'short_text', text: 'Anything', maxLength: 100 };
const rules = {
  slug: 'rules',
  title: 'Rules',
  consent: 'ok',
  completionCode: 'RULES1',
  conditions: [{ name: 'a', chat: false }],
  tasks: [
    {
      id: 't1',
      title: 'One',
      questions: [
        question,
        { id: 'pick', type: 'multiple_choice', text: 'Pick', options: ['x', 'y'], required: false },
        {
          id: 'secret',
          type: 'single_choice',
          text: 'Pick y',
          options: ['x', 'y'],
          correct: 'y',
          attentionCheck: true,
        },
      ],
    },
  ],
};
// Six seconds from consent: three of time, three of grace.
const timed = {
  ...rules,
  slug: 'timed-rules',
  timeLimitMinutes: 0.05,
  graceMinutes: 0.05,
  tasks: [{ id: 't1', title: 'One', questions: [question] }],
};
const checks = {
  ...rules,
  slug: 'checks',
  attentionPolicy: 'record',
  screenOutCode: 'SCREEN1',
  tasks: [
    {
      id: 't1',
      title: 'Recorded',
      questions: [
        { id: 'c1', type: 'single_choice', text: 'Pick x', options: ['x', 'y'], correct: 'x', attentionCheck: true },
      ],
    },
    {
      id: 't2',
      title: 'Ending',
      questions: [
        { id: 'c2', type: 'number', text: 'Type 3', correct: 3, attentionCheck: true, attentionPolicy: 'end' },
        { id: 'scored', type: 'number', text: 'Two plus two', correct: 4 },
      ],
    },
  ],
};
const counted = { ...rules, slug: 'counted', conditions: [{ name: 'a' }, { name: 'b' }] };

const refusal = (res: GraphQLResponse<unknown>) => [codeOf(res), reasonOf(res)];

describe('study rules', () => {
  let server: ServerProcess;
  let dir: string;
  before(async () => {
    dir = await studiesDir({
      'rules.json': rules,
      'timed.json': timed,
      'checks.json': checks,
      'counted.json': counted,
    });
    server = await startServer(testEnv('redis', { STUDIES_DIR: dir }));
  });
  after(async () => {
    await server.stop();
  });

  const save = (p: Participant, slug: string, data: Record<string, unknown> = {}) =>
    gql(server.url, SAVE, { input: { studySlug: slug, participantId: p.participantId, data } }, p.token);

  test('the time limit runs from consent, with its grace; past it answers and the final save are refused TIMED_OUT', async () => {
    const onTime = await consented(server.url, timed.slug);
    await completeTasks(server.url, onTime.token, [['t1', { q: 'quick' }]]);
    assert.equal((await save(onTime, timed.slug)).data?.saveParticipation.saved, true, 'in time: saved');

    const late = await consented(server.url, timed.slug);
    const slow = await consented(server.url, timed.slug);
    await completeTasks(server.url, late.token, [['t1', { q: 'done, saved too late' }]]);
    const deadline = Date.parse(late.deadline as string);
    assert.equal(deadline - Date.parse(late.consentedAt as string), 3000);
    const cutoff = deadline + 3000;
    // In the grace: still accepted.
    await pollUntil(async () => (Date.now() > Date.parse(slow.deadline as string) + 100 ? true : undefined));
    const inGrace = await gql(server.url, TASK, { task: 't1', answers: { q: 'in grace' } }, slow.token);
    assert.equal(inGrace.data?.saveTaskAnswers.progress.t1.q, 'in grace');
    // Past the grace: refused, and marked.
    const refusedAt = await pollUntil(async () => {
      // Polls with no answer, so that a poll still in time changes nothing.
      const res = await gql(server.url, TASK, { task: 't1', answers: {} }, slow.token);
      if (!res.errors) return undefined;
      assert.deepEqual(refusal(res), ['FORBIDDEN', 'TIMED_OUT']);
      return Date.now();
    });
    assert.ok(refusedAt >= Date.parse(slow.deadline as string) + 3000, 'not before the end of the grace');
    assert.ok(Date.now() >= cutoff);
    const tooLate = await gql(server.url, TASK, { task: 't1', answers: { q: 'too late' } }, slow.token);
    assert.deepEqual(refusal(tooLate), ['FORBIDDEN', 'TIMED_OUT']);
    assert.deepEqual(refusal(await save(late, timed.slug)), ['FORBIDDEN', 'TIMED_OUT']);
    assert.deepEqual(await sql('SELECT 1 FROM "ParticipationRecord" WHERE "participationId" = $1', [late.id]), []);
    for (const p of [late, slow]) {
      const me = (await gql(server.url, ME, {}, p.token)).data?.myParticipation;
      assert.deepEqual([me.status, me.completionCode], ['TIMED_OUT', null]);
      for (const op of [CONSENT, WITHDRAW, DECLINE])
        assert.deepEqual(refusal(await gql(server.url, op, {}, p.token)), ['FORBIDDEN', 'TIMED_OUT'], op);
    }
    assert.equal((await gql(server.url, ME, {}, slow.token)).data?.myParticipation.progress.t1.q, 'in grace');
    const [row] = await sql<{ completedAt: Date }>('SELECT "completedAt" FROM "Participation" WHERE id = $1', [
      slow.id,
    ]);
    assert.equal(row?.completedAt.getTime(), Date.parse(slow.deadline as string) + 3000, 'ended at its cutoff');
  });

  test('a participation not consented, declined, withdrawn or finished changes no more (reads still work)', async () => {
    const opened = await openLink(server.url, rules.slug);
    assert.deepEqual(refusal(await gql(server.url, WITHDRAW, {}, opened.token)), ['FORBIDDEN', 'NOT_CONSENTED']);
    assert.deepEqual(refusal(await gql(server.url, TASK, { task: 't1', answers: {} }, opened.token)), [
      'FORBIDDEN',
      'NOT_CONSENTED',
    ]);

    const declined = await openLink(server.url, rules.slug);
    assert.equal((await gql(server.url, DECLINE, {}, declined.token)).data?.declineConsent.status, 'DECLINED');
    assert.equal((await gql(server.url, DECLINE, {}, declined.token)).data?.declineConsent.status, 'DECLINED');
    for (const op of [CONSENT, WITHDRAW])
      assert.deepEqual(refusal(await gql(server.url, op, {}, declined.token)), ['FORBIDDEN', 'DECLINED'], op);
    assert.deepEqual(refusal(await save(declined, rules.slug)), ['FORBIDDEN', 'DECLINED']);
    const [row] = await sql<{ condition: string | null }>('SELECT condition FROM "Participation" WHERE id = $1', [
      declined.id,
    ]);
    assert.equal(row?.condition, null, 'no condition for who declined');

    const withdrawn = await consented(server.url, rules.slug);
    assert.deepEqual(refusal(await gql(server.url, DECLINE, {}, withdrawn.token)), ['FORBIDDEN', 'ALREADY_CONSENTED']);
    await gql(server.url, TASK, { task: 't1', answers: { q: 'kept' } }, withdrawn.token);
    assert.equal((await gql(server.url, WITHDRAW, {}, withdrawn.token)).data?.withdrawParticipation.status, 'RETURNED');
    for (const op of [CONSENT, WITHDRAW, DECLINE])
      assert.deepEqual(refusal(await gql(server.url, op, {}, withdrawn.token)), ['FORBIDDEN', 'WITHDRAWN'], op);
    assert.deepEqual(
      refusal(await gql(server.url, TASK, { task: 't1', answers: {}, complete: true }, withdrawn.token)),
      ['FORBIDDEN', 'WITHDRAWN'],
    );
    assert.deepEqual(refusal(await save(withdrawn, rules.slug)), ['FORBIDDEN', 'WITHDRAWN']);
    assert.deepEqual(await sql('SELECT 1 FROM "ParticipationRecord" WHERE "participationId" = $1', [withdrawn.id]), []);

    const done = await consented(server.url, rules.slug);
    await completeTasks(server.url, done.token, [['t1', { q: 'final', secret: 'y' }]]);
    assert.equal((await save(done, rules.slug)).data?.saveParticipation.saved, true);
    for (const op of [CONSENT, WITHDRAW, DECLINE])
      assert.deepEqual(refusal(await gql(server.url, op, {}, done.token)), ['FORBIDDEN', 'FINISHED'], op);
    assert.deepEqual(refusal(await gql(server.url, TASK, { task: 't1', answers: { q: 'changed' } }, done.token)), [
      'FORBIDDEN',
      'FINISHED',
    ]);
    const me = (await gql(server.url, ME, {}, done.token)).data?.myParticipation;
    assert.deepEqual([me.status, me.completionCode, me.progress.t1.q], ['COMPLETED', 'RULES1', 'final']);
    assert.equal((await save(done, rules.slug, { again: true })).data?.saveParticipation.alreadyExisted, true);
  });

  test('400 concurrent autosaves from one token all succeed: they wait in memory, not on the connection pool', async () => {
    const p = await consented(server.url, rules.slug);
    const results = await Promise.all(
      Array.from({ length: 400 }, (_, i) => gql(server.url, TASK, { task: 't1', answers: { q: `a${i}` } }, p.token)),
    );
    assert.deepEqual(
      results.flatMap((r) => r.errors ?? []),
      [],
    );
    const me = (await gql(server.url, ME, {}, p.token)).data?.myParticipation;
    assert.match(me.progress.t1.q, /^a\d+$/);
  });

  test('oversized and malformed answers are BAD_USER_INPUT and change nothing', async () => {
    const p = await consented(server.url, rules.slug);
    await gql(server.url, TASK, { task: 't1', answers: { q: 'before' } }, p.token);
    const bad: Record<string, unknown>[] = [
      { q: 'x'.repeat(1024 * 1024) },
      { q: 'x'.repeat(101) },
      { q: 42 },
      { pick: Array.from({ length: 100_000 }, () => 'x') },
      { pick: ['x', 'x'] },
      { pick: 'x' },
      { nope: 1 },
      { secret: 'z' },
    ];
    for (const answers of bad) {
      const res = await gql(server.url, TASK, { task: 't1', answers }, p.token);
      assert.equal(codeOf(res), 'BAD_USER_INPUT', JSON.stringify(answers).slice(0, 40));
    }
    const me = (await gql(server.url, ME, {}, p.token)).data?.myParticipation;
    assert.deepEqual(me.progress, { t1: { q: 'before' } });
  });

  test('participants see neither the scores nor which questions are attention checks', async () => {
    const fields = async (type: string) =>
      (
        await gql(server.url, 'query($t: String!) { __type(name: $t) { fields { name } } }', { t: type })
      ).data?.__type.fields.map((f: { name: string }) => f.name) as string[];
    for (const type of ['Participation', 'StudyView', 'StudyTask'])
      assert.ok(!(await fields(type)).some((f) => /score/i.test(f)), type);
    const questionFields = await fields('StudyQuestion');
    for (const hidden of ['attentionCheck', 'attentionPolicy', 'correct'])
      assert.ok(!questionFields.includes(hidden), hidden);
    const p = await consented(server.url, checks.slug);
    const view = await gql(
      server.url,
      `{ myParticipation { study { tasks { questions { ${questionFields.join(' ')} } } } } }`,
      {},
      p.token,
    );
    assert.ok(!view.errors);
    assert.doesNotMatch(JSON.stringify(view.data), /attention|correct/i);
  });

  test('attention checks: `record` goes on, `end` screens out with the study’s code; every failure is recorded and exported', async () => {
    const failing = await consented(server.url, checks.slug);
    const moved = await gql(server.url, TASK, { task: 't1', answers: { c1: 'y' }, complete: true }, failing.token);
    assert.equal(moved.data?.saveTaskAnswers.currentTask, 1, 'record: goes on');
    const ended = await gql(
      server.url,
      TASK,
      { task: 't2', answers: { c2: 5, scored: 4 }, complete: true },
      failing.token,
    );
    const p = ended.data?.saveTaskAnswers;
    assert.deepEqual(
      [p.status, p.currentTask, p.completionCode, p.completionUrl],
      ['SCREENED_OUT', 1, 'SCREEN1', 'https://app.prolific.com/submissions/complete?cc=SCREEN1'],
    );
    assert.deepEqual(refusal(await gql(server.url, TASK, { task: 't2', answers: { c2: 3 } }, failing.token)), [
      'FORBIDDEN',
      'SCREENED_OUT',
    ]);
    assert.deepEqual(refusal(await save(failing, checks.slug)), ['FORBIDDEN', 'SCREENED_OUT']);
    const again = await gql(server.url, START, {
      input: { studySlug: checks.slug, participantId: failing.participantId, resumeSecret: failing.resumeSecret },
    });
    assert.equal(again.data?.startParticipation.status, 'SCREENED_OUT');

    const passing = await consented(server.url, checks.slug);
    await completeTasks(server.url, passing.token, [
      ['t1', { c1: 'x' }],
      ['t2', { c2: 3, scored: 4 }],
    ]);
    const saved = (await save(passing, checks.slug)).data?.saveParticipation;
    assert.deepEqual([saved.saved, saved.score, saved.scoreTotal, saved.completionCode], [true, 1, 1, 'RULES1']);

    const db = createDb(process.env.TEST_DATABASE_URL as string, 2);
    try {
      const study = StudyCatalog.load(dir, {}).get(checks.slug);
      assert.ok(study);
      const rows = await attentionFailureRows(db, study);
      const mine = rows.filter((r) => r.participant_id === failing.participantId);
      assert.deepEqual(
        mine.map(({ record_type, task_id, question_id, answer, policy, condition }) => ({
          record_type,
          task_id,
          question_id,
          answer,
          policy,
          condition,
        })),
        [
          {
            record_type: 'attention_failure',
            task_id: 't1',
            question_id: 'c1',
            answer: '"y"',
            policy: 'record',
            condition: 'a',
          },
          {
            record_type: 'attention_failure',
            task_id: 't2',
            question_id: 'c2',
            answer: '5',
            policy: 'end',
            condition: 'a',
          },
        ],
      );
      assert.ok(mine.every((r) => r.participation_id === failing.id && !Number.isNaN(Date.parse(r.created_at ?? ''))));
      assert.equal(rows.filter((r) => r.participant_id === passing.participantId).length, 0);
    } finally {
      await db.$disconnect();
    }
  });

  test('researchers see who only opened the link and who declined apart from those who took part', async () => {
    // `npm run user:grant` makes a researcher.
    const token = await newResearcher(server.url);
    const [a, b] = [await openLink(server.url, counted.slug), await openLink(server.url, counted.slug)];
    await openLink(server.url, counted.slug);
    await gql(server.url, DECLINE, {}, a?.token);
    const p = (await gql(server.url, CONSENT, {}, b?.token)).data?.giveConsent;
    await completeTasks(server.url, p.token, [['t1', { q: 'a', secret: 'y' }]]);
    await gql(
      server.url,
      SAVE,
      { input: { studySlug: counted.slug, participantId: b?.participantId, data: {} } },
      p.token,
    );
    const stats = (
      await gql(
        server.url,
        '{ studies { slug opened declined conditions { condition started completed returned timedOut screenedOut medianSeconds } } }',
        {},
        token,
      )
    ).data?.studies.find((s: { slug: string }) => s.slug === counted.slug);
    assert.deepEqual([stats.opened, stats.declined], [1, 1]);
    const mine = stats.conditions.find((c: { condition: string }) => c.condition === p.condition);
    assert.deepEqual([mine.started, mine.completed, mine.returned, mine.timedOut, mine.screenedOut], [1, 1, 0, 0, 0]);
    assert.equal(typeof mine.medianSeconds, 'number');
    const other = stats.conditions.find((c: { condition: string }) => c.condition !== p.condition);
    assert.equal(other.started, 0);
  });
});
