import { useId } from 'react';
import { Choices } from './Choices';
import { NumberInput, Slider } from './NumberInputs';
import type { FieldProps, InputProps } from './question-props';

/** The DOM id of a question's block, to scroll to it when it needs attention. */
export const questionDomId = (id: string) => `question-${id}`;

const DEFAULT_MAX_LENGTH = { short_text: 200, long_text: 5000 } as const;

/** One question, labelled for screen readers and tests alike: a group named by the question's text. */
export function QuestionField(props: FieldProps) {
  const { question: q, error } = props;
  const ids = { label: useId(), input: useId(), error: useId(), hint: useId() };
  const describedBy = [error ? ids.error : null, ids.hint].filter(Boolean).join(' ') || undefined;
  const grouped = q.type === 'single_choice' || q.type === 'multiple_choice' || q.type === 'likert';
  const label = (
    <>
      {q.text}
      {q.required ? (
        <span className="required" aria-hidden="true">
          {' '}
          *
        </span>
      ) : (
        <span className="muted small"> (optional)</span>
      )}
    </>
  );
  const errorLine = error ? (
    <p id={ids.error} className="field-error" role="alert">
      {error}
    </p>
  ) : null;

  if (grouped) {
    return (
      <fieldset
        id={questionDomId(q.id)}
        className="question"
        data-question-id={q.id}
        data-invalid={error ? 'true' : undefined}
        aria-describedby={describedBy}
      >
        <legend>{label}</legend>
        <Choices {...props} hintId={ids.hint} />
        {errorLine}
      </fieldset>
    );
  }
  return (
    <fieldset
      id={questionDomId(q.id)}
      className="question"
      aria-labelledby={ids.label}
      data-question-id={q.id}
      data-invalid={error ? 'true' : undefined}
    >
      <label id={ids.label} htmlFor={ids.input} className="question-label">
        {label}
      </label>
      <Input {...props} inputId={ids.input} hintId={ids.hint} describedBy={describedBy} />
      {errorLine}
    </fieldset>
  );
}

function Input(props: InputProps) {
  const { question: q, value, error, onChange, inputId, hintId, describedBy } = props;
  const invalid = error ? true : undefined;
  switch (q.type) {
    case 'number':
      return <NumberInput {...props} />;
    case 'slider':
      return <Slider {...props} />;
    case 'long_text': {
      const limit = q.maxLength ?? DEFAULT_MAX_LENGTH.long_text;
      const text = typeof value === 'string' ? value : '';
      return (
        <>
          <textarea
            id={inputId}
            rows={4}
            maxLength={limit}
            value={text}
            aria-invalid={invalid}
            aria-describedby={describedBy}
            aria-required={q.required}
            onChange={(e) => onChange(e.target.value)}
          />
          <p id={hintId} className="small muted hint-line">
            {text.length} / {limit} characters
          </p>
        </>
      );
    }
    default: {
      const limit = q.maxLength ?? DEFAULT_MAX_LENGTH.short_text;
      return (
        <>
          <input
            id={inputId}
            type="text"
            maxLength={limit}
            value={typeof value === 'string' ? value : ''}
            aria-invalid={invalid}
            aria-describedby={describedBy}
            aria-required={q.required}
            onChange={(e) => onChange(e.target.value)}
          />
          <span id={hintId} hidden />
        </>
      );
    }
  }
}
