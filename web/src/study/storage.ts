import { readItem, readJson, writeItem, writeJson } from '../lib/storage';

/**
 * What the browser keeps for one participant of one study (localStorage, so that a reload or a
 * closed tab resumes): the resume secret, the participant token, the local copy of answers not yet confirmed by the
 * server, when each task started and ended, and the model reply being written.
 */
export class ParticipantStore {
  private readonly prefix: string;

  constructor(slug: string, participantId: string) {
    this.prefix = `parley.study.${slug}.${participantId}`;
  }

  /**
   * This browser's resume secret for this participant, made on first use: the server lets only the browser
   * that opened the study resume it (participant ids are not secrets).
   */
  get resumeSecret(): string {
    const key = `${this.prefix}.secret`;
    const kept = readItem(key);
    if (kept) return kept;
    const bytes = crypto.getRandomValues(new Uint8Array(32));
    const secret = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
    writeItem(key, secret);
    return readItem(key) ?? secret;
  }

  get token(): string | null {
    return readItem(`${this.prefix}.token`);
  }

  set token(value: string | null) {
    writeItem(`${this.prefix}.token`, value);
  }

  draft(taskId: string): Record<string, unknown> {
    return readJson<Record<string, unknown>>(`${this.prefix}.draft.${taskId}`, {});
  }

  saveDraft(taskId: string, answers: Record<string, unknown> | null): void {
    if (answers === null) writeItem(`${this.prefix}.draft.${taskId}`, null);
    else writeJson(`${this.prefix}.draft.${taskId}`, answers);
  }

  timings(): Timings {
    return readJson<Timings>(`${this.prefix}.timings`, { tasks: {} });
  }

  updateTimings(update: (timings: Timings) => void): Timings {
    const timings = this.timings();
    update(timings);
    writeJson(`${this.prefix}.timings`, timings);
    return timings;
  }

  pendingJob(taskId: string): string | null {
    return readItem(`${this.prefix}.job.${taskId}`);
  }

  setPendingJob(taskId: string, jobId: string | null): void {
    writeItem(`${this.prefix}.job.${taskId}`, jobId);
  }
}

export interface TaskTiming {
  /** ISO times, in the participant's clock. */
  startedAt: string;
  completedAt?: string;
  seconds?: number;
}

export interface Timings {
  loadedAt?: string;
  consentedAt?: string;
  finishedAt?: string;
  totalSeconds?: number;
  tasks: Record<string, TaskTiming>;
}
