import { technicalDetail } from './errors';

interface ErrorNoteProps {
  /** What happened and what to do, in plain words. */
  summary: string;
  /** The error itself: its code and text go behind a disclosure, for whoever needs them. */
  detail?: unknown;
}

/** A plain-language error, with the technical details behind "Details". */
export function ErrorNote({ summary, detail }: ErrorNoteProps) {
  const text = detail === undefined || detail === null ? null : technicalDetail(detail);
  return (
    <div className="error-note" role="alert">
      <span className="error">{summary}</span>
      {text && (
        <details className="small">
          <summary>Details</summary>
          <code>{text}</code>
        </details>
      )}
    </div>
  );
}
