import type { ApolloClient } from '@apollo/client';
import { useEffect, useRef, useState } from 'react';
import { isOver, studyError } from './errors';
import { SaveParticipationMutation } from './operations';
import type { ParticipantStore } from './storage';
import type { Participation } from './TaskPage';

/**
 * After the last task: the final save (the server records the answers it holds; the client adds timings and
 * device), then the completion code. A refusal sends the page back to the server's view of how it ended.
 */
export function Finish({
  client,
  store,
  participation,
  onDone,
  onReload,
}: {
  client: ApolloClient;
  store: ParticipantStore;
  participation: Participation;
  onDone(code: string | null, url: string | null): void;
  onReload(): void;
}) {
  const [error, setError] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);
  const started = useRef(-1);

  useEffect(() => {
    // Once per attempt, even when React runs effects twice.
    if (started.current === attempt) return;
    started.current = attempt;
    const now = new Date();
    const timings = store.updateTimings((t) => {
      t.finishedAt ??= now.toISOString();
      t.totalSeconds ??= Math.round(
        (now.getTime() - Date.parse(participation.consentedAt ?? participation.startedAt)) / 1000,
      );
    });
    client
      .mutate({
        mutation: SaveParticipationMutation,
        variables: {
          input: {
            studySlug: participation.studySlug,
            participantId: participation.participantId,
            // The server records the answers it holds; the client adds how the participant took part.
            data: {
              timings,
              userAgent: navigator.userAgent,
              language: navigator.language,
              screen: { width: window.screen.width, height: window.screen.height },
            },
          },
        },
      })
      .then(({ data }) => {
        const result = data?.saveParticipation;
        if (!result) throw new Error('The server did not answer.');
        onDone(result.completionCode ?? null, result.completionUrl ?? null);
      })
      .catch((err: unknown) => {
        const problem = studyError(err);
        // Refused for good (time over, already ended): the page shows how it ended.
        if (isOver(problem)) onReload();
        else setError(problem.message);
      });
  }, [attempt, client, store, participation, onDone, onReload]);

  return (
    <section className="study-card" aria-label="Saving">
      {error ? (
        <>
          <p className="error" role="alert">
            Your answers could not be saved yet: {error}
          </p>
          <button
            type="button"
            className="primary"
            onClick={() => {
              setError(null);
              setAttempt((n) => n + 1);
            }}
          >
            Try again
          </button>
        </>
      ) : (
        <p className="muted" role="status">
          Saving your answers…
        </p>
      )}
    </section>
  );
}

/**
 * The completion code with a copy button, and the way back to Prolific. Nothing happens on its own: the
 * participant copies the code or follows the link when they are ready.
 */
export function DonePage({ code, url }: { code: string | null; url: string | null }) {
  const [copied, setCopied] = useState<'yes' | 'no' | null>(null);
  const copy = async () => {
    if (!code) return;
    try {
      await navigator.clipboard.writeText(code);
      setCopied('yes');
    } catch {
      setCopied('no');
    }
  };
  return (
    <section className="study-card done" aria-labelledby="done-title">
      <h2 id="done-title">Thank you! You have completed the study.</h2>
      {code && (
        <div className="completion">
          <p>Your completion code:</p>
          <p className="completion-code" data-testid="completion-code">
            {code}
          </p>
          <button type="button" onClick={() => void copy()}>
            Copy the code
          </button>{' '}
          <span role="status" className="small">
            {copied === 'yes' && 'Copied.'}
            {copied === 'no' && 'Could not copy: please select the code and copy it.'}
          </span>
        </div>
      )}
      {url ? (
        <p>
          <a className="button-link primary" href={url}>
            Return to Prolific
          </a>
        </p>
      ) : (
        <p>Please copy the code above and enter it where you took part.</p>
      )}
    </section>
  );
}
