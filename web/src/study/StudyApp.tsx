import { ApolloProvider } from '@apollo/client/react';
import type { ReactNode } from 'react';
import { AskForId } from './AskForId';
import { DonePage } from './Finish';
import { EndNotice, Notice, ScreenedOutNotice } from './Notices';
import { ParticipantFlow } from './ParticipantFlow';
import { phaseFor } from './phases';
import { StudyProgress, TimeLeft } from './StudyHeader';
import { readParams, rememberParticipantId, useStudyStart } from './useStudyStart';
import './study.css';

/**
 * The participant's side of a study at /study/<slug>?PROLIFIC_PID=…&STUDY_ID=…&SESSION_ID=…:
 * consent, the tasks in the participant's order, then the final save and the completion code.
 * The participant token is kept per study and participant, so a reload (or coming back later)
 * resumes where they were.
 */
export function StudyApp({ slug }: { slug: string }) {
  const { study, client, phase, setPhase, setParams, store } = useStudyStart(slug);
  const info = 'info' in phase ? phase.info : null;
  const participation = phase.kind === 'active' ? phase.participation : null;

  let body: ReactNode;
  switch (phase.kind) {
    case 'loading':
      body = <p className="muted">Loading…</p>;
      break;
    case 'missing':
      body = (
        <Notice title="Study not found">
          <p>There is no study at this address. Please check the link you were given.</p>
        </Notice>
      );
      break;
    case 'failed':
      body = (
        <Notice title="Something went wrong">
          <p role="alert">{phase.message}</p>
          <button type="button" onClick={() => setParams(readParams())}>
            Try again
          </button>
        </Notice>
      );
      break;
    case 'ask':
      body = (
        <AskForId
          info={phase.info}
          problem={phase.problem}
          onSubmit={(id) => {
            rememberParticipantId(id);
            setParams({ ...readParams(), participantId: id });
          }}
        />
      );
      break;
    case 'refused':
      body = (
        <Notice title={phase.info.title}>
          <p>
            This study can only be opened from its link on Prolific. Please go back to Prolific and open the study from
            there.
          </p>
        </Notice>
      );
      break;
    case 'already':
      body = (
        <Notice title="You have already taken part in this study">
          <p>Thank you! Your answers were saved; there is nothing more to do.</p>
          {phase.code && (
            <p>
              Your completion code was <strong className="code-inline">{phase.code}</strong>.
            </p>
          )}
          {phase.url && (
            <p>
              <a href={phase.url}>Return to Prolific</a>
            </p>
          )}
        </Notice>
      );
      break;
    case 'ended':
      body = <EndNotice kind={phase.why} />;
      break;
    case 'screenedOut':
      body = <ScreenedOutNotice code={phase.code} url={phase.url} />;
      break;
    case 'done':
      body = <DonePage code={phase.code} url={phase.url} />;
      break;
    case 'active':
      body = store && (
        <ParticipantFlow
          client={client}
          store={store}
          participation={phase.participation}
          onChange={(next) => {
            // A new token comes with consent: it expires with the participation.
            if (next.token !== store.token) {
              store.token = next.token;
              study.setToken(next.token);
            }
            setPhase(phaseFor(phase.info, next));
          }}
          onReload={() => setParams(readParams())}
          onDone={(code, url) => setPhase({ kind: 'done', info: phase.info, code, url })}
          onEnded={(why) => setPhase({ kind: 'ended', info: phase.info, why })}
        />
      );
      break;
  }

  return (
    <ApolloProvider client={client}>
      <div className="study-page">
        <header className="study-header">
          <h1 className="study-name">{participation?.study.title ?? info?.title ?? 'Study'}</h1>
          {participation && <StudyProgress participation={participation} />}
          {participation?.deadline && <TimeLeft deadline={participation.deadline} />}
        </header>
        <main className="study-main">{body}</main>
      </div>
    </ApolloProvider>
  );
}
