import { useId, useState } from 'react';
import { type Question, toggleChoice } from './answers';

/** The DOM id of a question's block, to scroll to it when it needs attention. */
export const questionDomId = (id: string) => `question-${id}`;

const DEFAULT_MAX_LENGTH = { short_text: 200, long_text: 5000 } as const;

interface FieldProps {
  question: Question;
  value: unknown;
  error: string | null;
  onChange(value: unknown): void;
}

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

function Choices({ question: q, value, error, onChange, hintId }: FieldProps & { hintId: string }) {
  const name = useId();
  if (q.type === 'likert') {
    const points = q.points ?? 5;
    return (
      <>
        <div className="likert" data-points={points}>
          {Array.from({ length: points }, (_, i) => i + 1).map((point) => (
            <label key={point} className="likert-point">
              <input
                type="radio"
                name={name}
                value={point}
                checked={value === point}
                aria-invalid={error ? true : undefined}
                onChange={() => onChange(point)}
              />
              <span>{point}</span>
            </label>
          ))}
        </div>
        <p id={hintId} className="scale-labels small muted">
          <span>{q.minLabel ? `1 = ${q.minLabel}` : ''}</span>
          <span>{q.maxLabel ? `${points} = ${q.maxLabel}` : ''}</span>
        </p>
      </>
    );
  }
  const options = q.options ?? [];
  if (q.type === 'single_choice') {
    return (
      <div className="choices">
        <span id={hintId} hidden />
        {options.map((option) => (
          <label key={option} className="choice">
            <input
              type="radio"
              name={name}
              value={option}
              checked={value === option}
              aria-invalid={error ? true : undefined}
              onChange={() => onChange(option)}
            />
            <span>{option}</span>
          </label>
        ))}
      </div>
    );
  }
  const chosen = Array.isArray(value) ? (value as string[]) : [];
  return (
    <div className="choices">
      <p id={hintId} className="small muted hint-line">
        Choose all that apply.
      </p>
      {options.map((option) => (
        <label key={option} className="choice">
          <input
            type="checkbox"
            value={option}
            checked={chosen.includes(option)}
            aria-invalid={error ? true : undefined}
            onChange={(e) => {
              onChange(toggleChoice(options, chosen, option, e.target.checked));
            }}
          />
          <span>{option}</span>
        </label>
      ))}
    </div>
  );
}

interface InputProps extends FieldProps {
  inputId: string;
  hintId: string;
  describedBy: string | undefined;
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

function NumberInput({ question: q, value, error, onChange, inputId, hintId, describedBy }: InputProps) {
  // The text as typed ("1e", "-"), which is not always a number yet.
  const [text, setText] = useState(typeof value === 'number' ? String(value) : '');
  const bounds =
    q.min != null && q.max != null
      ? `A number from ${q.min} to ${q.max}.`
      : q.min != null
        ? `A number, ${q.min} or more.`
        : q.max != null
          ? `A number, ${q.max} or less.`
          : 'A number.';
  return (
    <>
      <input
        id={inputId}
        type="number"
        inputMode="decimal"
        min={q.min ?? undefined}
        max={q.max ?? undefined}
        step={q.step ?? 'any'}
        value={text}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy}
        aria-required={q.required}
        onChange={(e) => {
          setText(e.target.value);
          const raw = e.target.value.trim();
          const n = Number(raw);
          onChange(raw === '' || !Number.isFinite(n) ? null : n);
        }}
      />
      <p id={hintId} className="small muted hint-line">
        {bounds}
      </p>
    </>
  );
}

function Slider({ question: q, value, error, onChange, inputId, hintId, describedBy }: InputProps) {
  const min = q.min ?? 0;
  const max = q.max ?? 100;
  const step = q.step ?? 1;
  const set = typeof value === 'number';
  const shown = set ? (value as number) : Math.round((min + max) / 2 / step) * step;
  // A click or key press on the untouched thumb's own spot changes nothing: take it as an answer too.
  const touch = () => {
    if (!set) onChange(shown);
  };
  return (
    <>
      <div className="slider" data-set={set ? 'true' : 'false'}>
        <span className="slider-end small" aria-hidden="true">
          <strong>{min}</strong>
          {q.minLabel && <span>{q.minLabel}</span>}
        </span>
        <input
          id={inputId}
          type="range"
          min={min}
          max={max}
          step={step}
          value={shown}
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy}
          aria-valuetext={set ? String(value) : 'not answered yet'}
          onChange={(e) => onChange(Number(e.target.value))}
          onPointerUp={touch}
          onKeyUp={touch}
        />
        <span className="slider-end small" aria-hidden="true">
          <strong>{max}</strong>
          {q.maxLabel && <span>{q.maxLabel}</span>}
        </span>
      </div>
      <p id={hintId} className="small slider-value">
        {set ? (
          <>
            Your answer: <output htmlFor={inputId}>{String(value)}</output>
          </>
        ) : (
          <span className="muted">Not answered yet: move the slider.</span>
        )}
        {(q.minLabel || q.maxLabel) && (
          <span className="visually-hidden">
            {' '}
            ({min} = {q.minLabel ?? min}, {max} = {q.maxLabel ?? max})
          </span>
        )}
      </p>
    </>
  );
}
