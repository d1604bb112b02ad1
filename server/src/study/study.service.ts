import type { Config } from '../config';
import type { Db } from '../db/client';
import { forbidden, notFound, unauthenticated } from '../errors';
import type { Participation } from '../generated/prisma/client';
import { seededShuffle } from './assignment';
import { declineConsent, giveConsent } from './consent';
import { saveFinal } from './final-save';
import { KeyedQueue } from './keyed-queue';
import type { ParticipantTokens, ParticipantViewer } from './participant-tokens';
import { refusalFor, withLockedParticipation } from './participation-lock';
import { cutoffOf } from './participation-rules';
import { openParticipation, parseParticipantId, type StartInput, settle } from './participation-start';
import type { LoadedStudy, StudyCatalog } from './study-catalog';
import type { Condition, StudyTask } from './study-definition';
import { saveTaskAnswers } from './task-answers';

export type { StartInput };

export const PREVIEW_ID = /^preview-[0-9a-f]{16}$/;

export interface SaveInput {
  studySlug: string;
  participantId: string;
  data: unknown;
}

export interface SaveResult {
  saved: boolean;
  alreadyExisted: boolean;
  completionCode: string | null;
  completionUrl: string | null;
  score: number | null;
  scoreTotal: number | null;
}

export class StudyService {
  /** Consents, one study at a time in this process (see KeyedQueue). */
  private readonly consents = new KeyedQueue();
  /** Writes of one participation, one at a time in this process: many at once hold one pool connection. */
  private readonly writes = new KeyedQueue();

  constructor(
    readonly db: Db,
    readonly catalog: StudyCatalog,
    readonly tokens: ParticipantTokens,
    private readonly config: Config,
  ) {}

  study(slug: string): LoadedStudy {
    const study = this.catalog.get(slug);
    if (!study) throw notFound(`There is no study ${slug}.`);
    return study;
  }

  /** Whether this participant already completed the study (public: participant ids are not secrets). */
  async check(slug: string, participantId: string): Promise<boolean> {
    const study = this.study(slug);
    // A researcher's preview (startPreview) has an id of its own form, outside the study's pattern.
    const id = PREVIEW_ID.test(participantId) ? participantId : parseParticipantId(study, participantId);
    const p = await this.db.participation.findUnique({
      where: { studySlug_participantId: { studySlug: slug, participantId: id } },
      select: { status: true },
    });
    return p?.status === 'COMPLETED';
  }

  /** Opens or resumes a participation (see openParticipation): OPENED, no condition until consent. */
  start(input: StartInput): Promise<Participation> {
    return openParticipation(this.db, this.study(input.studySlug), input);
  }

  /**
   * The participation of a participant token. A token of a deleted participation, or of one whose time
   * ended longer than PARTICIPANT_TOKEN_LINGER_SECONDS ago, is dead (UNAUTHENTICATED), whatever its exp.
   */
  async get(viewer: ParticipantViewer): Promise<Participation> {
    const p = await this.db.participation.findUnique({ where: { id: viewer.participationId } });
    if (!p) throw unauthenticated('This participation no longer exists.');
    const end = this.tokenEnd(p);
    if (end && end.getTime() < Date.now()) throw unauthenticated('This participant token has expired.');
    return p;
  }

  /** The participation as it stands: one past its time is marked TIMED_OUT first. */
  async current(viewer: ParticipantViewer): Promise<Participation> {
    const p = await this.get(viewer);
    return settle(this.db, this.study(p.studySlug), p);
  }

  /** The participation of this token, for this study; a token of another study is FORBIDDEN. */
  async forStudy(viewer: ParticipantViewer, slug: string, participantId?: string): Promise<Participation> {
    if (viewer.studySlug !== slug || (participantId !== undefined && viewer.participantId !== participantId.trim())) {
      throw forbidden('This participant token belongs to another study or participant.');
    }
    return this.get(viewer);
  }

  /**
   * The one guard of every participant action: FORBIDDEN with extensions.reason unless the participation
   * consented, has not ended and is within its time (deadline plus grace); an overdue one is marked TIMED_OUT.
   */
  async assertActive(p: Participation): Promise<Participation> {
    const refusal = await refusalFor(this.db, this.study(p.studySlug), p);
    if (refusal) throw refusal;
    return p;
  }

  /** The token's participation, which may act now (see assertActive). */
  async active(viewer: ParticipantViewer): Promise<Participation> {
    return this.assertActive(await this.get(viewer));
  }

  /** When tokens of this participation die: its cutoff plus the linger, or null (their own exp decides). */
  tokenEnd(p: Participation): Date | null {
    const study = this.catalog.get(p.studySlug);
    const cutoff = study ? cutoffOf(study, p) : null;
    return cutoff && new Date(cutoff.getTime() + this.config.PARTICIPANT_TOKEN_LINGER_SECONDS * 1000);
  }

  /** A participant token that expires with the participation (or after the TTL until there is a deadline). */
  issueToken(p: Participation): string {
    const end = this.tokenEnd(p) ?? new Date(Date.now() + this.config.PARTICIPANT_TOKEN_TTL_SECONDS * 1000);
    return this.tokens.issue({ participationId: p.id, studySlug: p.studySlug, participantId: p.participantId }, end);
  }

  async consent(viewer: ParticipantViewer): Promise<Participation> {
    const p = await this.get(viewer);
    const study = this.study(p.studySlug);
    return this.consents.run(study.slug, () => giveConsent(this.db, study, p.id));
  }

  async decline(viewer: ParticipantViewer): Promise<Participation> {
    const p = await this.get(viewer);
    return this.writes.run(p.id, () => declineConsent(this.db, this.study(p.studySlug), p.id));
  }

  tasksOf(p: Participation): StudyTask[] {
    const study = this.study(p.studySlug);
    return (p.taskOrder as string[])
      .map((id) => study.tasks.find((t) => t.id === id))
      .filter((t): t is StudyTask => !!t);
  }

  conditionOf(p: Participation): Condition {
    const study = this.study(p.studySlug);
    return study.conditions.find((c) => c.name === p.condition) ?? (study.conditions[0] as Condition);
  }

  /** Questions in the participant's own (stable) order where the task asks for random order. */
  questionsOf(p: Participation, task: StudyTask) {
    return task.randomizeQuestions ? seededShuffle(task.questions, `${p.id}:${task.id}`) : task.questions;
  }

  async saveTaskAnswers(
    viewer: ParticipantViewer,
    taskId: string,
    answers: unknown,
    complete: boolean,
  ): Promise<Participation> {
    const { id } = await this.get(viewer);
    return this.writes.run(id, () => saveTaskAnswers(this, { participationId: id, taskId, answers, complete }));
  }

  /** The final save (see saveFinal). */
  async save(viewer: ParticipantViewer, input: SaveInput): Promise<SaveResult> {
    const study = this.study(input.studySlug);
    const p = await this.forStudy(viewer, study.slug, input.participantId);
    return this.writes.run(p.id, () => saveFinal(this, p.id, input.data, this.config.MAX_PARTICIPATION_BYTES));
  }

  /** The participant stops early (Prolific calls this "returned"). */
  async withdraw(viewer: ParticipantViewer): Promise<Participation> {
    const { id, studySlug } = await this.get(viewer);
    return this.writes.run(id, () =>
      withLockedParticipation(this.db, id, async (tx, p) => {
        const refusal = await refusalFor(tx, this.study(studySlug), p);
        if (refusal) return refusal;
        return tx.participation.update({ where: { id }, data: { status: 'RETURNED', completedAt: new Date() } });
      }),
    );
  }
}
