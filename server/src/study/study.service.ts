import type { Config } from '../config';
import type { Db } from '../db/client';
import { isUniqueViolation } from '../db/client';
import { AppError, badInput, forbidden, notFound } from '../errors';
import type { Participation, Prisma } from '../generated/prisma/client';
import { type Answers, assertTaskComplete, checkAnswers, questionsById, score } from './answers';
import { chooseCondition, seededShuffle } from './assignment';
import type { ParticipantTokens, ParticipantViewer } from './participant-tokens';
import type { LoadedStudy, StudyCatalog } from './study-catalog';
import type { Condition, StudyTask } from './study-definition';

export interface StartInput {
  studySlug: string;
  participantId: string;
  prolificStudyId?: string | null;
  sessionId?: string | null;
}

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

const PARTICIPANT_ID = /^[A-Za-z0-9_-]{16,64}$/;
const OPTIONAL_ID = /^[A-Za-z0-9_-]{1,128}$/;

export class StudyService {
  constructor(
    private readonly db: Db,
    readonly catalog: StudyCatalog,
    readonly tokens: ParticipantTokens,
    private readonly config: Config,
  ) {}

  study(slug: string): LoadedStudy {
    const study = this.catalog.get(slug);
    if (!study) throw notFound(`There is no study ${slug}.`);
    return study;
  }

  parseParticipantId(value: string): string {
    const id = value.trim();
    if (!PARTICIPANT_ID.test(id))
      throw badInput('The participant id must be 16 to 64 letters, digits, _ or -.', 'participantId');
    return id;
  }

  /** Whether this participant already completed the study. */
  async check(slug: string, participantId: string): Promise<boolean> {
    this.study(slug);
    const p = await this.db.participation.findUnique({
      where: { studySlug_participantId: { studySlug: slug, participantId: this.parseParticipantId(participantId) } },
      select: { status: true },
    });
    return p?.status === 'COMPLETED';
  }

  /**
   * A returning participant gets their participation back; a new one is assigned the condition furthest
   * below its weighted share. Arrivals to one study are serialised by a transaction-scoped advisory lock.
   */
  async start(input: StartInput): Promise<Participation> {
    const study = this.study(input.studySlug);
    const participantId = this.parseParticipantId(input.participantId);
    for (const [field, value] of [
      ['prolificStudyId', input.prolificStudyId],
      ['sessionId', input.sessionId],
    ] as const) {
      if (value && !OPTIONAL_ID.test(value)) throw badInput(`${field} is malformed.`, field);
    }
    const key = { studySlug: study.slug, participantId };
    try {
      return await this.db.$transaction(async (tx) => {
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`study:${study.slug}`}))`;
        const existing = await tx.participation.findUnique({ where: { studySlug_participantId: key } });
        if (existing) return existing;
        const groups = await tx.participation.groupBy({
          by: ['condition'],
          where: { studySlug: study.slug },
          _count: { _all: true },
        });
        const counts = new Map(groups.map((g) => [g.condition, g._count._all]));
        const condition = chooseCondition(study.conditions, counts);
        const taskOrder = condition.taskOrder ?? study.tasks.map((t) => t.id);
        return tx.participation.create({
          data: {
            ...key,
            prolificStudyId: input.prolificStudyId || null,
            sessionId: input.sessionId || null,
            condition: condition.name,
            taskOrder,
          },
        });
      });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      return this.db.participation.findUniqueOrThrow({ where: { studySlug_participantId: key } });
    }
  }

  async get(viewer: ParticipantViewer): Promise<Participation> {
    const p = await this.db.participation.findUnique({ where: { id: viewer.participationId } });
    if (!p) throw notFound('This participation no longer exists.');
    return p;
  }

  /** The participation of this token, for this study; a token of another study is FORBIDDEN. */
  async forStudy(viewer: ParticipantViewer, slug: string, participantId?: string): Promise<Participation> {
    if (viewer.studySlug !== slug || (participantId !== undefined && viewer.participantId !== participantId.trim())) {
      throw forbidden('This participant token belongs to another study or participant.');
    }
    return this.get(viewer);
  }

  async consent(viewer: ParticipantViewer): Promise<Participation> {
    const p = await this.get(viewer);
    if (p.consentedAt) return p;
    return this.db.participation.update({ where: { id: p.id }, data: { consentedAt: new Date() } });
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

  /**
   * Saves a task's answers as the participant goes; `complete` also moves them to the next task. The row
   * is locked for the read-merge-write, so an autosave racing the final click loses no answer.
   */
  async saveTaskAnswers(
    viewer: ParticipantViewer,
    taskId: string,
    answers: unknown,
    complete: boolean,
  ): Promise<Participation> {
    const blocked = await this.db.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT 1 FROM "Participation" WHERE id = ${viewer.participationId}::uuid FOR UPDATE`;
      const p = await tx.participation.findUnique({ where: { id: viewer.participationId } });
      if (!p) throw notFound('This participation no longer exists.');
      if (p.status !== 'STARTED') throw forbidden('This participation is finished.');
      if (!p.consentedAt) throw forbidden('Consent comes first.');
      const tasks = this.tasksOf(p);
      const task = tasks.find((t) => t.id === taskId);
      if (!task) throw badInput(`There is no task ${taskId} in this study.`, 'taskId');
      if (task !== tasks[p.currentTask]) throw badInput('Only the current task can be answered.', 'taskId');
      const checked = checkAnswers(new Map(task.questions.map((q) => [q.id, q])), answers);
      const progress = (p.progress ?? {}) as Record<string, Answers>;
      const merged = { ...(progress[task.id] ?? {}), ...checked };
      // Answers are kept even when the task cannot be left yet.
      const why = complete ? await this.whyNotComplete(p, task, merged) : null;
      await tx.participation.update({
        where: { id: p.id },
        data: {
          progress: { ...progress, [task.id]: merged } as Prisma.InputJsonValue,
          ...(complete && !why ? { currentTask: p.currentTask + 1 } : {}),
        },
      });
      return why;
    });
    if (blocked) throw blocked;
    return this.get(viewer);
  }

  private async whyNotComplete(p: Participation, task: StudyTask, answers: Answers): Promise<AppError | null> {
    try {
      assertTaskComplete(task, answers);
    } catch (error) {
      if (error instanceof AppError) return error;
      throw error;
    }
    if (task.requireChat && task.chat && this.conditionOf(p).chat) {
      const used = await this.db.studyTurn.count({ where: { participationId: p.id, taskId: task.id, role: 'user' } });
      if (!used)
        return new AppError('BAD_USER_INPUT', 'Please use the chat before going on.', { reason: 'CHAT_REQUIRED' });
    }
    return null;
  }

  /** The final save, exactly once: the record's primary key is the participation's id. */
  async save(viewer: ParticipantViewer, input: SaveInput): Promise<SaveResult> {
    const study = this.study(input.studySlug);
    const p = await this.forStudy(viewer, study.slug, input.participantId);
    const data = input.data;
    if (typeof data !== 'object' || data === null || Array.isArray(data))
      throw badInput('data must be an object.', 'data');
    const bytes = Buffer.byteLength(JSON.stringify(data));
    if (bytes > this.config.MAX_PARTICIPATION_BYTES) {
      throw new AppError(
        'PAYLOAD_TOO_LARGE',
        `data is ${bytes} bytes; the limit is ${this.config.MAX_PARTICIPATION_BYTES}.`,
      );
    }
    const answers = 'answers' in data ? checkAnswers(questionsById(study), (data as { answers: unknown }).answers) : {};
    const progress = Object.assign({}, ...Object.values((p.progress ?? {}) as Record<string, Answers>)) as Answers;
    const result = score(study, { ...progress, ...answers });
    const inserted = await this.db.$transaction(async (tx) => {
      const { count } = await tx.participationRecord.createMany({
        data: [
          {
            participationId: p.id,
            data: data as Prisma.InputJsonValue,
            score: result?.score ?? null,
            scoreTotal: result?.total ?? null,
          },
        ],
        skipDuplicates: true,
      });
      if (count === 1)
        await tx.participation.update({ where: { id: p.id }, data: { status: 'COMPLETED', completedAt: new Date() } });
      return count === 1;
    });
    const record = await this.db.participationRecord.findUniqueOrThrow({ where: { participationId: p.id } });
    return {
      saved: inserted,
      alreadyExisted: !inserted,
      completionCode: study.completionCode,
      completionUrl: study.completionUrl,
      score: record.score,
      scoreTotal: record.scoreTotal,
    };
  }

  /** The participant stops early (Prolific calls this "returned"). */
  async withdraw(viewer: ParticipantViewer): Promise<Participation> {
    const p = await this.get(viewer);
    if (p.status !== 'STARTED') return p;
    return this.db.participation.update({ where: { id: p.id }, data: { status: 'RETURNED', completedAt: new Date() } });
  }
}
