import { sql } from './sql';

/** A study whose participants table holds BIG_STUDY_SIZE rows (the paging test and the bench's row 6). */
export const BIG_STUDY = {
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
export const BIG_STUDY_SIZE = 10_000;
const N = BIG_STUDY_SIZE;
const STATUSES = ['OPENED', 'STARTED', 'COMPLETED', 'RETURNED', 'TIMED_OUT'];

/**
 * 10,000 participants straight into Postgres (the test database unless `url` says otherwise): a status each in
 * turn, records, failed checks and turns for some.
 */
export async function seedBigStudy(url?: string) {
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
    url,
  );
  await sql(
    `
    INSERT INTO "ParticipationRecord" ("participationId", data, score, "scoreTotal")
    SELECT id, '{}'::jsonb, ('x' || substr("participantId", 21, 4))::bit(16)::int % 4, 3
    FROM "Participation" WHERE "studySlug" = 'big' AND status = 'COMPLETED'`,
    [],
    url,
  );
  await sql(
    `
    INSERT INTO "AttentionFailure" (id, "participationId", "taskId", "questionId", policy)
    SELECT gen_random_uuid(), id, 't2', 'attention', 'record'
    FROM "Participation" WHERE "studySlug" = 'big' AND right("participantId", 1) = '7'`,
    [],
    url,
  );
  await sql(
    `
    INSERT INTO "StudyTurn" (id, "participationId", "taskId", role, text, "promptTokens", "completionTokens")
    SELECT gen_random_uuid(), id, 't1', r.role, 'hi', r.p, r.c
    FROM "Participation", (VALUES ('user', NULL::int, NULL::int), ('assistant', 20, 5)) AS r(role, p, c)
    WHERE "studySlug" = 'big' AND right("participantId", 1) = '3'`,
    [],
    url,
  );
  await sql('ANALYZE', [], url);
}
