import { AppError, badInput } from '../errors';
import { type Participation, Prisma } from '../generated/prisma/client';
import { type Answers, checkAnswers, failedChecks, missingAnswer } from './answers';
import { refusalFor, type Tx, withLockedParticipation } from './participation-lock';
import { refuse } from './participation-rules';
import type { StudyService } from './study.service';
import type { LoadedStudy } from './study-catalog';
import type { AttentionPolicy, Question, StudyTask } from './study-definition';

export interface TaskAnswersInput {
  participationId: string;
  taskId: string;
  answers: unknown;
  complete: boolean;
}

const policyOf = (study: LoadedStudy, q: Question): AttentionPolicy => q.attentionPolicy ?? study.attentionPolicy;

async function chatMissing(tx: Tx, studies: StudyService, p: Participation, task: StudyTask): Promise<AppError | null> {
  if (!task.requireChat || !task.chat || !studies.conditionOf(p).chat) return null;
  const used = await tx.studyTurn.count({ where: { participationId: p.id, taskId: task.id, role: 'user' } });
  return used
    ? null
    : new AppError('BAD_USER_INPUT', 'Please use the chat before going on.', { reason: 'CHAT_REQUIRED' });
}

/**
 * Saves a task's answers as the participant goes; `complete` also moves them to the next task. The row is
 * locked for the read-merge-write, so an autosave racing the final click loses no answer. Answers are kept
 * even when the task cannot be left yet; a task already done is locked. On completion every failed
 * attention check is recorded, then the policy applies: `end` screens the participant out, `block` keeps
 * them on the task, `record` lets them go on.
 */
export function saveTaskAnswers(studies: StudyService, input: TaskAnswersInput): Promise<Participation> {
  return withLockedParticipation(studies.db, input.participationId, async (tx, p) => {
    const study = studies.study(p.studySlug);
    const refusal = await refusalFor(tx, study, p);
    if (refusal) return refusal;
    const tasks = studies.tasksOf(p);
    const index = tasks.findIndex((t) => t.id === input.taskId);
    const task = tasks[index];
    if (!task) return badInput(`There is no task ${input.taskId} in this study.`, 'taskId');
    if (index < p.currentTask) return refuse('TASK_LOCKED', { field: 'taskId' });
    if (index > p.currentTask) return badInput('Only the current task can be answered.', 'taskId');
    const checked = checkAnswers(new Map(task.questions.map((q) => [q.id, q])), input.answers);
    const progress = (p.progress ?? {}) as Record<string, Answers>;
    const merged = { ...(progress[task.id] ?? {}), ...checked };
    const save = (data: Prisma.ParticipationUpdateInput = {}) =>
      tx.participation.update({
        where: { id: p.id },
        data: { progress: { ...progress, [task.id]: merged } as Prisma.InputJsonValue, ...data },
      });
    if (!input.complete) return save();
    const incomplete = missingAnswer(task, merged) ?? (await chatMissing(tx, studies, p, task));
    if (incomplete) {
      await save();
      return incomplete;
    }
    const failed = failedChecks(task, merged);
    if (failed.length) {
      await tx.attentionFailure.createMany({
        data: failed.map((q) => ({
          participationId: p.id,
          taskId: task.id,
          questionId: q.id,
          answer: merged[q.id] === undefined ? Prisma.DbNull : (merged[q.id] as Prisma.InputJsonValue),
          policy: policyOf(study, q),
        })),
      });
      if (failed.some((q) => policyOf(study, q) === 'end'))
        return save({ status: 'SCREENED_OUT', completedAt: new Date() });
      const blocking = failed.find((q) => policyOf(study, q) === 'block');
      if (blocking) {
        await save();
        return new AppError('BAD_USER_INPUT', `Please read the question again: ${blocking.text}`, {
          field: blocking.id,
          reason: 'ATTENTION_CHECK',
        });
      }
    }
    const doneAt = { ...((p.taskDoneAt ?? {}) as Record<string, string>), [task.id]: new Date().toISOString() };
    return save({ currentTask: p.currentTask + 1, taskDoneAt: doneAt });
  });
}
