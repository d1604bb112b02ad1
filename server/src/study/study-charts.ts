import type { Db } from '../db/client';
import type { LoadedStudy } from './study-catalog';

type Row = { condition: string | null; bucket: string; count: bigint };
const points = (rows: Row[]) => rows.map((r) => ({ condition: r.condition, bucket: r.bucket, count: Number(r.count) }));

/** The workbench's charts of one study, aggregated in Postgres (previews only when asked for). */
export async function studyCharts(db: Db, study: LoadedStudy, includePreviews: boolean) {
  const slug = study.slug;
  const [arrivals, completions, minutes, scores, attention] = await Promise.all([
    db.$queryRaw<Row[]>`
      SELECT condition, to_char(date_trunc('hour', "startedAt" AT TIME ZONE 'UTC'), 'YYYY-MM-DD"T"HH24:00"Z"') AS bucket,
        count(*) AS count
      FROM "Participation" WHERE "studySlug" = ${slug} AND (${includePreviews} OR NOT preview)
      GROUP BY 1, 2 ORDER BY 2, 1`,
    db.$queryRaw<Row[]>`
      SELECT condition, to_char(date_trunc('hour', "completedAt" AT TIME ZONE 'UTC'), 'YYYY-MM-DD"T"HH24:00"Z"') AS bucket,
        count(*) AS count
      FROM "Participation" WHERE "studySlug" = ${slug} AND (${includePreviews} OR NOT preview) AND status = 'COMPLETED'
      GROUP BY 1, 2 ORDER BY 2, 1`,
    db.$queryRaw<Row[]>`
      SELECT condition, floor(extract(epoch FROM "completedAt" - "consentedAt") / 60)::int::text AS bucket, count(*) AS count
      FROM "Participation"
      WHERE "studySlug" = ${slug} AND (${includePreviews} OR NOT preview) AND status = 'COMPLETED' AND "consentedAt" IS NOT NULL
      GROUP BY 1, floor(extract(epoch FROM "completedAt" - "consentedAt") / 60) ORDER BY 1, floor(extract(epoch FROM "completedAt" - "consentedAt") / 60)`,
    db.$queryRaw<Row[]>`
      SELECT p.condition, r.score::text AS bucket, count(*) AS count
      FROM "Participation" p JOIN "ParticipationRecord" r ON r."participationId" = p.id
      WHERE p."studySlug" = ${slug} AND (${includePreviews} OR NOT p.preview) AND r.score IS NOT NULL
      GROUP BY 1, r.score ORDER BY 1, r.score`,
    db.$queryRaw<{ condition: string | null; participants: bigint; failed: bigint }[]>`
      SELECT condition, count(*) AS participants,
        count(*) FILTER (WHERE EXISTS (SELECT 1 FROM "AttentionFailure" f WHERE f."participationId" = p.id)) AS failed
      FROM "Participation" p
      WHERE "studySlug" = ${slug} AND (${includePreviews} OR NOT preview) AND "consentedAt" IS NOT NULL
      GROUP BY 1 ORDER BY 1`,
  ]);
  return {
    arrivals: points(arrivals),
    completions: points(completions),
    minutesToComplete: points(minutes),
    scores: points(scores),
    attention: attention.map((a) => {
      const participants = Number(a.participants);
      const failed = Number(a.failed);
      return { condition: a.condition, participants, failed, rate: participants ? failed / participants : 0 };
    }),
  };
}
