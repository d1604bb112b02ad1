import { describe, expect, it } from 'vitest';
import { answerProblem, isAnswered, pageProblems, type Question, toggleChoice } from './answers';

const question = (over: Partial<Question>): Question =>
  ({
    id: 'q',
    type: 'short_text',
    text: 'Q?',
    required: false,
    options: null,
    min: null,
    max: null,
    step: null,
    points: null,
    minLabel: null,
    maxLabel: null,
    maxLength: null,
    ...over,
  }) as Question;

describe('answers', () => {
  it('an empty value, an empty list or an untouched slider (undefined) is unanswered', () => {
    expect([undefined, null, '', []].some(isAnswered)).toBe(false);
    expect([0, 'x', ['a'], false].every(isAnswered)).toBe(true);
  });

  it('checks numbers and sliders against their bounds', () => {
    const slider = question({ type: 'slider', min: 0, max: 10 });
    expect(answerProblem(slider, 5)).toBeNull();
    expect(answerProblem(slider, 11)).toBe('Please enter a number from 0 to 10.');
    expect(answerProblem(question({ type: 'number', min: 3 }), 1)).toBe('Please enter 3 or more.');
    expect(answerProblem(question({ type: 'number', max: 3 }), 4)).toBe('Please enter 3 or less.');
    expect(answerProblem(question({ type: 'number' }), Number.NaN)).toBe('Please enter a number.');
  });

  it('checks the length of text', () => {
    expect(answerProblem(question({ maxLength: 3 }), 'abcd')).toBe('Please shorten your answer to 3 characters.');
    expect(answerProblem(question({ maxLength: 3 }), 'abc')).toBeNull();
  });

  it('refuses "None" together with other options', () => {
    const q = question({ type: 'multiple_choice', options: ['Red', 'Blue', 'None of these'] });
    expect(answerProblem(q, ['Red', 'None of these'])).toMatch(/None/);
    expect(answerProblem(q, ['None of these'])).toBeNull();
  });

  it('lists required questions left open, and bad answers, in one go', () => {
    const questions = [
      question({ id: 'a', required: true }),
      question({ id: 'b', type: 'likert', required: true }),
      question({ id: 'c', type: 'number', max: 1 }),
      question({ id: 'd' }),
    ];
    expect(pageProblems(questions, { c: 2 })).toEqual({
      a: 'Please answer this question.',
      b: 'Please choose an answer.',
      c: 'Please enter 1 or less.',
    });
  });
});

describe('toggleChoice', () => {
  const options = ['Red', 'Blue', 'None'];
  it('keeps the options in order whatever order they are ticked in', () => {
    expect(toggleChoice(options, ['Blue'], 'Red', true)).toEqual(['Red', 'Blue']);
    expect(toggleChoice(options, ['Red', 'Blue'], 'Red', false)).toEqual(['Blue']);
  });
  it('"None" clears the others, and another option clears "None"', () => {
    expect(toggleChoice(options, ['Red', 'Blue'], 'None', true)).toEqual(['None']);
    expect(toggleChoice(options, ['None'], 'Blue', true)).toEqual(['Blue']);
  });
});
