import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { codeOf, gql } from '../test/graphql-client';
import { type ServerMode, type ServerProcess, startServer, testEnv } from '../test/server-process';
import {
  CONSENT,
  jwtClaims,
  ME,
  openLink,
  prolificId,
  reasonOf,
  resumeSecret,
  START,
  sql,
  studiesDir,
  TASK,
  WITHDRAW,
} from '../test/study-client';
import { pollUntil } from '../test/wait-for';

const task = { id: 'only', title: 'Only', questions: [{ id: 'q', type: 'short_text', text: 'Anything' }] };
const base = { title: 'Arrivals', consent: 'ok', completionCode: 'ARRIVE1', tasks: [task] };

/** This file's studies; slugs carry the engine, since both engines' servers share the test database. */
function studies(mode: ServerMode) {
  const tag = mode === 'redis' ? 'r' : 's';
  return {
    weights: {
      ...base,
      slug: `weights-${tag}`,
      conditions: [
        { name: 'heavy', weight: 2, chat: false },
        { name: 'light', weight: 1, chat: false },
      ],
    },
    places: {
      ...base,
      slug: `places-${tag}`,
      prolificStudyId: 'PLACES1',
      maxParticipants: 5,
      timeLimitMinutes: 10,
      conditions: [{ name: 'a' }, { name: 'b' }],
    },
    resume: { ...base, slug: `resume-${tag}`, conditions: [{ name: 'a', chat: false }] },
    anydevice: {
      ...base,
      slug: `anydevice-${tag}`,
      allowResumeOnOtherDevice: true,
      participantIdPattern: '^[A-Z]{3}[0-9]{5}$',
      conditions: [{ name: 'a', chat: false }],
    },
    // Three seconds from consent, no grace.
    timed: { ...base, slug: `timed-${tag}`, timeLimitMinutes: 0.05, graceMinutes: 0, conditions: [{ name: 'a' }] },
  };
}

for (const mode of ['redis', 'single-node'] as const) {
  describe(`study arrivals (${mode})`, () => {
    const s = studies(mode);
    let server: ServerProcess;
    before(async () => {
      const dir = await studiesDir(Object.fromEntries(Object.values(s).map((study) => [`${study.slug}.json`, study])));
      server = await startServer(testEnv(mode, { STUDIES_DIR: dir, PARTICIPANT_TOKEN_LINGER_SECONDS: '0' }));
    });
    after(async () => {
      await server.stop();
    });

    test('conditions are balanced by weight under a burst of 150 concurrent consents, and stable for a returning participant', async () => {
      const opened = await Promise.all(Array.from({ length: 150 }, () => openLink(server.url, s.weights.slug)));
      assert.ok(opened.every((p) => p.condition === null));
      // Consents queue in memory, not on the connection pool: none fails, however many at once.
      const results = await Promise.all(opened.map((p) => gql(server.url, CONSENT, {}, p.token)));
      assert.deepEqual(
        results.flatMap((r) => r.errors ?? []),
        [],
      );
      const conditions = results.map((r) => r.data?.giveConsent.condition);
      assert.equal(conditions.filter((c) => c === 'heavy').length, 100);
      assert.equal(conditions.filter((c) => c === 'light').length, 50);
      const again = await Promise.all(
        opened.slice(0, 5).map((p) =>
          gql(server.url, START, {
            input: { studySlug: s.weights.slug, participantId: p.participantId, resumeSecret: p.resumeSecret },
          }),
        ),
      );
      assert.deepEqual(
        again.map((r) => [r.data?.startParticipation.id, r.data?.startParticipation.condition]),
        opened.slice(0, 5).map((p, i) => [p.id, conditions[i]]),
      );
    });

    test('places are counted at consent: 40 concurrent consents for 5 places start 5; a withdrawal frees one', async () => {
      const opened = await Promise.all(
        Array.from({ length: 40 }, () => openLink(server.url, s.places.slug, { prolificStudyId: 'PLACES1' })),
      );
      const results = await Promise.all(opened.map((p) => gql(server.url, CONSENT, {}, p.token)));
      const started = results.filter((r) => r.data?.giveConsent.status === 'STARTED');
      assert.equal(started.length, 5);
      const full = results.filter((r) => codeOf(r) === 'FORBIDDEN' && reasonOf(r) === 'STUDY_FULL');
      assert.equal(full.length, 35);
      const [row] = await sql<{ n: number }>(
        `SELECT count(*)::int AS n FROM "Participation" WHERE "studySlug" = $1 AND status = 'STARTED'`,
        [s.places.slug],
      );
      assert.equal(row?.n, 5);
      // One returns: their place goes to the next one who consents, and only to one.
      const leaver = opened[results.findIndex((r) => r.data?.giveConsent.status === 'STARTED')];
      assert.equal((await gql(server.url, WITHDRAW, {}, leaver?.token)).data?.withdrawParticipation.status, 'RETURNED');
      const waiting = opened.filter((_, i) => codeOf(results[i] ?? {}) === 'FORBIDDEN');
      const second = await Promise.all(waiting.slice(0, 10).map((p) => gql(server.url, CONSENT, {}, p.token)));
      assert.equal(second.filter((r) => r.data?.giveConsent.status === 'STARTED').length, 1);
      assert.equal(second.filter((r) => reasonOf(r) === 'STUDY_FULL').length, 9);
    });

    test('a study that names its STUDY_ID refuses links without it, and stores nothing', async () => {
      for (const prolificStudyId of [undefined, 'OTHER', 'places1']) {
        const participantId = prolificId();
        const res = await gql(server.url, START, {
          input: { studySlug: s.places.slug, participantId, resumeSecret: resumeSecret(), prolificStudyId },
        });
        assert.deepEqual([codeOf(res), reasonOf(res), res.data], ['FORBIDDEN', 'WRONG_STUDY', null]);
        assert.deepEqual(await sql('SELECT 1 FROM "Participation" WHERE "participantId" = $1', [participantId]), []);
      }
    });

    test('the same participant id from another browser is told STARTED_ELSEWHERE and sees nothing', async () => {
      const p = await openLink(server.url, s.resume.slug);
      await gql(server.url, CONSENT, {}, p.token);
      await gql(server.url, TASK, { task: 'only', answers: { q: 'private answer' } }, p.token);
      const as = (secret: string | undefined) =>
        gql(server.url, START, {
          input: { studySlug: s.resume.slug, participantId: p.participantId, resumeSecret: secret },
        });
      // The real secret with its last character changed (to another one: 'x' may already be the last).
      const altered = `${p.resumeSecret.slice(0, -1)}${p.resumeSecret.endsWith('x') ? 'y' : 'x'}`;
      for (const secret of [resumeSecret(), undefined, altered]) {
        const res = await as(secret);
        assert.deepEqual([codeOf(res), reasonOf(res), res.data], ['FORBIDDEN', 'STARTED_ELSEWHERE', null]);
        assert.doesNotMatch(JSON.stringify(res), /private answer|eyJ/);
      }
      const back = (await as(p.resumeSecret)).data?.startParticipation;
      assert.deepEqual([back.id, back.status, back.progress], [p.id, 'STARTED', { only: { q: 'private answer' } }]);
      // A first arrival without a secret cannot be resumed by anyone.
      const bare = prolificId();
      const first = await gql(server.url, START, { input: { studySlug: s.resume.slug, participantId: bare } });
      assert.equal(first.data?.startParticipation.status, 'OPENED');
      const second = await gql(server.url, START, { input: { studySlug: s.resume.slug, participantId: bare } });
      assert.equal(reasonOf(second), 'STARTED_ELSEWHERE');
    });

    test('40 browsers racing to open one participant id: exactly one gets it', async () => {
      const participantId = prolificId();
      const secrets = Array.from({ length: 40 }, resumeSecret);
      const results = await Promise.all(
        secrets.map((secret) =>
          gql(server.url, START, { input: { studySlug: s.resume.slug, participantId, resumeSecret: secret } }),
        ),
      );
      const winners = results.filter((r) => r.data?.startParticipation);
      assert.equal(winners.length, 1);
      assert.ok(results.every((r) => r.data?.startParticipation || reasonOf(r) === 'STARTED_ELSEWHERE'));
      const rows = await sql('SELECT id FROM "Participation" WHERE "participantId" = $1', [participantId]);
      assert.equal(rows.length, 1);
    });

    test('a study may allow resuming on another device, and set its own participant-id pattern', async () => {
      const participantId = `ABC${String(Math.floor(Math.random() * 1e5)).padStart(5, '0')}`;
      const start = (id: string, secret?: string) =>
        gql(server.url, START, { input: { studySlug: s.anydevice.slug, participantId: id, resumeSecret: secret } });
      assert.equal(codeOf(await start(prolificId(), resumeSecret())), 'BAD_USER_INPUT');
      const first = (await start(participantId, resumeSecret())).data?.startParticipation;
      const other = (await start(participantId, resumeSecret())).data?.startParticipation;
      const none = (await start(participantId)).data?.startParticipation;
      assert.ok(first && other && none);
      assert.deepEqual([other.id, none.id], [first.id, first.id]);
    });

    test('a participant token expires with the participation; a deleted participation’s token is dead', async () => {
      // Untimed, and before consent: the default lifetime.
      const untimed = await openLink(server.url, s.resume.slug);
      const claims = jwtClaims(untimed.token);
      const life = (claims.exp as number) - (claims.iat as number);
      assert.ok(life >= 7 * 24 * 3600 && life <= 7 * 24 * 3600 + 1, `${life} s`);
      // Timed: the token issued at consent ends at the deadline plus grace (and linger, 0 here).
      const opened = await openLink(server.url, s.timed.slug);
      const p = (await gql(server.url, CONSENT, {}, opened.token)).data?.giveConsent;
      const deadline = Date.parse(p.deadline);
      assert.equal(deadline - Date.parse(p.consentedAt), 3000);
      assert.equal(jwtClaims(p.token).exp, Math.ceil(deadline / 1000));
      const dead = await pollUntil(async () => {
        const res = await gql(server.url, ME, {}, p.token);
        return codeOf(res) === 'UNAUTHENTICATED' ? Date.now() : undefined;
      });
      assert.ok(dead >= deadline, 'not before the deadline');
      // The token from before consent dies with the participation too.
      assert.equal(codeOf(await gql(server.url, ME, {}, opened.token)), 'UNAUTHENTICATED');
      // Deleted: every call with its token is UNAUTHENTICATED.
      assert.equal((await gql(server.url, ME, {}, untimed.token)).data?.myParticipation.id, untimed.id);
      await sql('DELETE FROM "Participation" WHERE id = $1', [untimed.id]);
      assert.equal(codeOf(await gql(server.url, ME, {}, untimed.token)), 'UNAUTHENTICATED');
      assert.equal(codeOf(await gql(server.url, CONSENT, {}, untimed.token)), 'UNAUTHENTICATED');
      assert.equal(
        codeOf(await gql(server.url, TASK, { task: 'only', answers: {} }, untimed.token)),
        'UNAUTHENTICATED',
      );
    });
  });
}
