import type { ReactNode } from 'react';

export function Notice({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="study-card study-notice" aria-labelledby="notice-title">
      <h2 id="notice-title">{title}</h2>
      {children}
    </section>
  );
}

/** Why a participant cannot (or can no longer) take part, in plain sentences. */
export type EndKind = 'elsewhere' | 'declined' | 'withdrawn' | 'timedOut' | 'full' | 'wrongStudy';

const PROLIFIC_RETURN = 'Please return the study on Prolific so that your place can go to someone else.';

export function EndNotice({ kind }: { kind: EndKind }) {
  switch (kind) {
    case 'elsewhere':
      return (
        <Notice title="You already started this study in another browser">
          <p>
            To keep your answers private, the study can only be continued in the browser where you started it. Please go
            back to that browser (on the same device) and open the study link there.
          </p>
        </Notice>
      );
    case 'declined':
      return (
        <Notice title="You did not agree to take part">
          <p>Thank you for considering this study. Nothing more will be recorded.</p>
          <p>{PROLIFIC_RETURN}</p>
        </Notice>
      );
    case 'withdrawn':
      return (
        <Notice title="You have left this study">
          <p>Your participation has ended and nothing more will be recorded.</p>
          <p>{PROLIFIC_RETURN}</p>
        </Notice>
      );
    case 'timedOut':
      return (
        <Notice title="The time for this study is over">
          <p>The time limit has passed, so no more answers can be recorded.</p>
          <p>{PROLIFIC_RETURN}</p>
        </Notice>
      );
    case 'full':
      return (
        <Notice title="This study is full">
          <p>All places in this study have been taken, so you cannot start it. Nothing was recorded.</p>
          <p>{PROLIFIC_RETURN}</p>
        </Notice>
      );
    case 'wrongStudy':
      return (
        <Notice title="This link does not belong to this study">
          <p>Please go back to Prolific and open the study from its link there.</p>
        </Notice>
      );
  }
}

/** Ended by an attention check (the `end` policy): the code the study gives for it. */
export function ScreenedOutNotice({ code, url }: { code: string | null; url: string | null }) {
  return (
    <Notice title="This study has ended for you">
      <p>Based on your answers, this study has ended for you. Thank you for your time.</p>
      {code && (
        <p>
          Your code for Prolific: <strong className="code-inline">{code}</strong>
        </p>
      )}
      {url && (
        <p>
          <a className="button-link primary" href={url}>
            Return to Prolific
          </a>
        </p>
      )}
    </Notice>
  );
}
