import { useState } from 'react';
import type { InputProps } from './question-props';

/** A number typed in, with its bounds said in words. */
export function NumberInput({ question: q, value, error, onChange, inputId, hintId, describedBy }: InputProps) {
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

/** A slider that starts unanswered: its thumb sits in the middle, but nothing counts until it is moved. */
export function Slider({ question: q, value, error, onChange, inputId, hintId, describedBy }: InputProps) {
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
