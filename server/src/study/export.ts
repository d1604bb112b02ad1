import type { Db } from '../db/client';
import type { LoadedStudy } from './study-catalog';

export type ExportFormat = 'CSV' | 'JSONL';

type Row = Record<string, string | number | boolean | null>;

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/**
 * One row per participant (condition, timestamps, score, each answer in its own column) and one row per
 * chat turn (role, text, model, tokens, latency, task, time), told apart by `record_type`.
 */
export async function exportRows(db: Db, study: LoadedStudy): Promise<Row[]> {
  const participations = await db.participation.findMany({
    where: { studySlug: study.slug },
    include: { record: true },
    orderBy: { startedAt: 'asc' },
  });
  const questionIds = study.tasks.flatMap((t) => t.questions.map((q) => q.id));
  const rows: Row[] = [];
  for (const p of participations) {
    const progress = Object.assign({}, ...Object.values((p.progress ?? {}) as Record<string, Record<string, unknown>>));
    const saved = (p.record?.data as { answers?: Record<string, unknown> } | undefined)?.answers ?? {};
    const answers: Record<string, unknown> = { ...progress, ...saved };
    rows.push({
      record_type: 'participant',
      participation_id: p.id,
      participant_id: p.participantId,
      prolific_study_id: p.prolificStudyId,
      session_id: p.sessionId,
      condition: p.condition,
      status: p.status,
      started_at: iso(p.startedAt),
      consented_at: iso(p.consentedAt),
      completed_at: iso(p.completedAt),
      duration_seconds: p.completedAt ? Math.round((p.completedAt.getTime() - p.startedAt.getTime()) / 1000) : null,
      tasks_done: p.currentTask,
      score: p.record?.score ?? null,
      score_total: p.record?.scoreTotal ?? null,
      data: p.record ? JSON.stringify(p.record.data) : null,
      ...Object.fromEntries(
        questionIds.map((id) => {
          const value = answers[id];
          return [
            `answer_${id}`,
            value === undefined ? null : typeof value === 'object' ? JSON.stringify(value) : (value as string | number),
          ];
        }),
      ),
    });
  }
  const turns = await db.studyTurn.findMany({
    where: { participation: { studySlug: study.slug } },
    include: { participation: { select: { participantId: true, condition: true } } },
    orderBy: [{ participationId: 'asc' }, { createdAt: 'asc' }],
  });
  for (const t of turns) {
    rows.push({
      record_type: 'turn',
      participation_id: t.participationId,
      participant_id: t.participation.participantId,
      condition: t.participation.condition,
      task_id: t.taskId,
      turn_id: t.id,
      role: t.role,
      text: t.text,
      images: t.images,
      model: t.model,
      prompt_tokens: t.promptTokens,
      completion_tokens: t.completionTokens,
      latency_ms: t.latencyMs,
      outcome: t.outcome,
      created_at: iso(t.createdAt),
    });
  }
  return rows;
}

function csvCell(value: Row[string] | undefined): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function formatRows(rows: Row[], format: ExportFormat): string {
  if (format === 'JSONL') return rows.map((row) => `${JSON.stringify(row)}\n`).join('');
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  const lines = [columns.join(','), ...rows.map((row) => columns.map((c) => csvCell(row[c])).join(','))];
  return lines.map((line) => `${line}\n`).join('');
}
