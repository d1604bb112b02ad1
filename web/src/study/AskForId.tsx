import { type FormEvent, useId, useState } from 'react';
import type { Info } from './phases';

/** What the form accepts before asking the server (which knows the study's id pattern). */
const TYPED_ID = /^[A-Za-z0-9_-]{1,128}$/;

export function AskForId({
  info,
  problem,
  onSubmit,
}: {
  info: Info;
  problem: string | null;
  onSubmit(id: string): void;
}) {
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | null>(problem);
  const ids = { input: useId(), hint: useId(), error: useId() };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const id = value.trim();
    if (!TYPED_ID.test(id)) {
      setError('Please type your Prolific ID: letters and digits, with no spaces.');
      return;
    }
    onSubmit(id);
  };
  return (
    <section className="study-card" aria-labelledby="ask-title">
      <h2 id="ask-title">{info.title}</h2>
      {info.description && <p>{info.description}</p>}
      <form onSubmit={submit} noValidate className="ask-form">
        <label htmlFor={ids.input}>Prolific ID</label>
        <input
          id={ids.input}
          name="prolific-id"
          autoComplete="off"
          autoCapitalize="none"
          spellCheck={false}
          value={value}
          onChange={(e) => {
            setValue(e.target.value);
            setError(null);
          }}
          aria-invalid={error ? true : undefined}
          aria-describedby={`${ids.hint}${error ? ` ${ids.error}` : ''}`}
        />
        <p id={ids.hint} className="small muted">
          You find your Prolific ID on your Prolific account page (24 letters and digits).
        </p>
        {error && (
          <p id={ids.error} className="field-error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="primary big">
          Continue
        </button>
      </form>
    </section>
  );
}
