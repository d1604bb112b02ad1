import type { ParticipationFieldsFragment } from '../gql/graphql';

export type Question = ParticipationFieldsFragment['study']['tasks'][number]['questions'][number];
export type Answers = Record<string, unknown>;

/** Pick-one and pick-many questions: the browser says "choose", not "answer". */
const CHOICE_TYPES = new Set(['single_choice', 'multiple_choice', 'likert']);

export const isAnswered = (value: unknown) =>
  value !== undefined && value !== null && value !== '' && !(Array.isArray(value) && value.length === 0);

/** A multiple-choice option that rules out the others ("None", "None of these"); the server agrees. */
export const isExclusiveOption = (option: string) => /^none\b/i.test(option.trim());

/** What is wrong with an answer as it stands (bounds, length); required questions are checked separately. */
export function answerProblem(q: Question, value: unknown): string | null {
  if (!isAnswered(value)) return null;
  switch (q.type) {
    case 'number':
    case 'slider': {
      if (typeof value !== 'number' || !Number.isFinite(value)) return 'Please enter a number.';
      const low = q.min ?? null;
      const high = q.max ?? null;
      if ((low !== null && value < low) || (high !== null && value > high)) {
        if (low !== null && high !== null) return `Please enter a number from ${low} to ${high}.`;
        return low !== null ? `Please enter ${low} or more.` : `Please enter ${high} or less.`;
      }
      return null;
    }
    case 'short_text':
    case 'long_text': {
      const limit = q.maxLength ?? null;
      if (typeof value === 'string' && limit !== null && value.length > limit)
        return `Please shorten your answer to ${limit} characters.`;
      return null;
    }
    case 'multiple_choice':
      if (Array.isArray(value) && value.length > 1 && value.some((v) => isExclusiveOption(String(v))))
        return '"None" cannot be chosen together with other options.';
      return null;
    default:
      return null;
  }
}

/** Every problem before Next: unanswered required questions, then answers out of bounds. */
export function pageProblems(questions: readonly Question[], answers: Answers): Record<string, string> {
  const found: Record<string, string> = {};
  for (const q of questions) {
    const value = answers[q.id];
    if (q.required && !isAnswered(value)) {
      found[q.id] = CHOICE_TYPES.has(q.type) ? 'Please choose an answer.' : 'Please answer this question.';
    } else {
      const problem = answerProblem(q, value);
      if (problem) found[q.id] = problem;
    }
  }
  return found;
}

/**
 * Ticking or unticking one option of a multiple-choice question. The options keep their order; an
 * exclusive option ("None") clears the others, and any other option clears it.
 */
export function toggleChoice(
  options: readonly string[],
  chosen: readonly string[],
  option: string,
  on: boolean,
): string[] {
  let next = on ? [...chosen, option] : chosen.filter((c) => c !== option);
  if (on) next = isExclusiveOption(option) ? [option] : next.filter((c) => !isExclusiveOption(c));
  return options.filter((o) => next.includes(o));
}
