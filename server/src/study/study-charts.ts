import type { Db } from '../db/client';
import { taskTimes } from './participant-table';
import type { LoadedStudy } from './study-catalog';

type Row = { condition: string | null; bucket: string; count: bigint };
const points = (rows: Row[]) => rows.map((r) => ({ condition: r.condition, bucket: r.bucket, count: Number(r.count) }));

/**
 * Participants by whole minutes spent on each task (from the end of the one before, or consent), per task and
 * condition; the series is named "task · condition". Tasks are timed where they were completed.
 */
async function taskMinutes(db: Db, slug: string, includePreviews: boolean) {
  const rows = await db.participation.findMany({
    where: { studySlug: slug, consentedAt: { not: null }, ...(includePreviews ? {} : { preview: false }) },
    select: { condition: true, consentedAt: true, taskOrder: true, taskDoneAt: true },
  });
  const counts = new Map<string, { condition: string; bucket: string; count: number }>();
  for (const p of rows) {
    for (const { taskId, seconds } of taskTimes(p)) {
      if (seconds === null) continue;
      const series = `${taskId} · ${p.condition ?? 'none'}`;
      const bucket = String(Math.floor(seconds / 60));
      const key = `${series}|${bucket}`;
      const entry = counts.get(key) ?? { condition: series, bucket, count: 0 };
      entry.count++;
      counts.set(key, entry);
    }
  }
  return [...counts.values()].sort(
    (a, b) => Number(a.bucket) - Number(b.bucket) || a.condition.localeCompare(b.condition),
  );
}

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
    taskMinutes: await taskMinutes(db, slug, includePreviews),
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
