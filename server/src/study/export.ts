import { stringify } from 'csv-stringify/sync';
import type { Db } from '../db/client';
import { attentionFailureRows } from './attention-failures';
import { chatOrder, imageUrls } from './chat-history';
import type { LoadedStudy } from './study-catalog';

export type ExportFormat = 'CSV' | 'JSONL';

type Cell = string | number | boolean | null;
type Row = Record<string, Cell | string[]>;

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/**
 * One row per participant (condition, timestamps, score, each answer in its own column) and one row per
 * chat turn, told apart by `record_type`. Turns come in chat order with exactly what each model call was
 * sent: a message carries its system prompt and images (as data URLs), and the model's reply the ids of
 * the turns its call was sent, in order, after that system prompt.
 */
export async function exportRows(db: Db, study: LoadedStudy, includePreviews = false): Promise<Row[]> {
  const only = includePreviews ? {} : { preview: false };
  const participations = await db.participation.findMany({
    where: { studySlug: study.slug, ...only },
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
      preview: p.preview,
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
    where: { participation: { studySlug: study.slug, ...only } },
    include: { participation: { select: { participantId: true, condition: true } }, imageFiles: true },
    orderBy: [{ participationId: 'asc' }, { seq: 'asc' }],
  });
  const byParticipation = new Map<string, typeof turns>();
  for (const t of turns) {
    const list = byParticipation.get(t.participationId);
    if (list) list.push(t);
    else byParticipation.set(t.participationId, [t]);
  }
  for (const mine of byParticipation.values()) {
    for (const t of chatOrder(mine)) {
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
        image_data_urls: imageUrls(t),
        system_prompt: t.systemPrompt,
        sent_turn_ids: t.sentTurnIds,
        model: t.model,
        prompt_tokens: t.promptTokens,
        completion_tokens: t.completionTokens,
        latency_ms: t.latencyMs,
        outcome: t.outcome,
        created_at: iso(t.createdAt),
      });
    }
  }
  // Every failed attention-check attempt: Prolific lets researchers reject only on recorded checks.
  rows.push(...(await attentionFailureRows(db, study, includePreviews)));
  return rows;
}

/**
 * JSONL as it is; CSV through csv-stringify with a UTF-8 BOM (spreadsheets then read it as UTF-8), lists as
 * JSON text, and text cells that a spreadsheet would run as a formula (= + - @, tab, CR first) prefixed with '.
 */
export function formatRows(rows: Row[], format: ExportFormat): string {
  if (format === 'JSONL') return rows.map((row) => `${JSON.stringify(row)}\n`).join('');
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  const records = rows.map((row) =>
    columns.map((c) => {
      const value = row[c];
      return Array.isArray(value) ? JSON.stringify(value) : (value ?? null);
    }),
  );
  return stringify(records, {
    bom: true,
    header: true,
    columns,
    escape_formulas: true,
    cast: { boolean: (value) => String(value) },
  });
}
