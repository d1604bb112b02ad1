import { useId } from 'react';
import { toggleChoice } from './answers';
import type { FieldProps } from './question-props';

/** Likert points, one choice or several (where "None" stands alone). */
export function Choices({ question: q, value, error, onChange, hintId }: FieldProps & { hintId: string }) {
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
