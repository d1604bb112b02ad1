import { AppError, badInput } from '../errors';
import type { Question, Study, StudyTask } from './study-definition';

export type Answers = Record<string, unknown>;

/** A multiple-choice option that rules out the others ("None", "None of these"). */
export const isExclusiveOption = (option: string) => /^none\b/i.test(option.trim());

/** Checks one answer against its question's type and bounds. */
export function checkAnswer(question: Question, value: unknown): void {
  const fail = (why: string): never => {
    throw badInput(`Answer to ${question.id}: ${why}.`, question.id);
  };
  if (value === null || value === undefined) return;
  switch (question.type) {
    case 'short_text':
    case 'long_text':
      if (typeof value !== 'string') fail('must be text');
      else if (value.length > question.maxLength) fail(`at most ${question.maxLength} characters`);
      return;
    case 'number':
    case 'slider': {
      if (typeof value !== 'number' || !Number.isFinite(value)) fail('must be a number');
      if (typeof value !== 'number') return;
      if (question.min !== undefined && value < question.min) fail(`at least ${question.min}`);
      if (question.max !== undefined && value > question.max) fail(`at most ${question.max}`);
      return;
    }
    case 'likert':
      if (!Number.isInteger(value) || (value as number) < 1 || (value as number) > question.points)
        fail(`1 to ${question.points}`);
      return;
    case 'single_choice':
      if (typeof value !== 'string' || !question.options.includes(value)) fail('must be one of the options');
      return;
    case 'multiple_choice':
      if (!Array.isArray(value) || value.some((v) => typeof v !== 'string' || !question.options.includes(v))) {
        fail('must be a list of the options');
      }
      if (new Set(value as string[]).size !== (value as string[]).length) fail('each option at most once');
      if ((value as string[]).length > 1 && (value as string[]).some(isExclusiveOption))
        fail('"None" cannot be chosen together with other options');
      return;
  }
}

const isAnswered = (value: unknown) =>
  value !== undefined && value !== null && value !== '' && !(Array.isArray(value) && value.length === 0);

function matches(question: Question, value: unknown): boolean | null {
  if (!('correct' in question) || question.correct === undefined) return null;
  if (Array.isArray(question.correct)) {
    return (
      Array.isArray(value) &&
      value.length === question.correct.length &&
      question.correct.every((c) => value.includes(c))
    );
  }
  if (typeof question.correct === 'string' && typeof value === 'string') {
    return question.correct.trim().toLowerCase() === value.trim().toLowerCase();
  }
  return question.correct === value;
}

/** Validates answers keyed by question id: unknown ids and wrong shapes are BAD_USER_INPUT. */
export function checkAnswers(questions: Map<string, Question>, answers: unknown): Answers {
  if (typeof answers !== 'object' || answers === null || Array.isArray(answers))
    throw badInput('answers must be an object keyed by question id.', 'answers');
  for (const [id, value] of Object.entries(answers)) {
    const question = questions.get(id);
    if (!question) throw badInput(`There is no question ${id} in this study.`, 'answers');
    checkAnswer(question, value);
  }
  return answers as Answers;
}

/** The first required question left unanswered, as the error to show; null when all are answered. */
export function missingAnswer(task: StudyTask, answers: Answers): AppError | null {
  const question = task.questions.find((q) => q.required && !isAnswered(answers[q.id]));
  return question
    ? new AppError('BAD_USER_INPUT', `Please answer: ${question.text}`, { field: question.id, reason: 'REQUIRED' })
    : null;
}

/** The attention checks of a task that these answers fail. */
export function failedChecks(task: StudyTask, answers: Answers): Question[] {
  return task.questions.filter((q) => q.attentionCheck && matches(q, answers[q.id]) !== true);
}

/** Correct answers over questions that have one (attention checks excluded). */
export function score(study: Study, answers: Answers): { score: number; total: number } | null {
  let total = 0;
  let correct = 0;
  for (const question of study.tasks.flatMap((t) => t.questions)) {
    if (question.attentionCheck) continue;
    const result = matches(question, answers[question.id]);
    if (result === null) continue;
    total += 1;
    if (result) correct += 1;
  }
  return total ? { score: correct, total } : null;
}
