import { ApolloProvider } from '@apollo/client/react';
import { type ReactNode, useCallback, useEffect, useState } from 'react';
import { AskForId } from './AskForId';
import { createStudyClient, type StudyClient } from './client';
import { studyError } from './errors';
import { DonePage } from './Finish';
import { EndNotice, Notice, ScreenedOutNotice } from './Notices';
import {
  CheckParticipationQuery,
  MyParticipationQuery,
  StartParticipationMutation,
  StudyInfoQuery as StudyInfoDocument,
} from './operations';
import { ParticipantFlow } from './ParticipantFlow';
import { endFor, type Info, type Phase, phaseFor } from './phases';
import { StudyProgress, TimeLeft } from './StudyHeader';
import { ParticipantStore } from './storage';
import type { Participation } from './TaskPage';
import './study.css';

interface LinkParams {
  participantId: string | null;
  prolificStudyId: string | null;
  sessionId: string | null;
}

function readParams(): LinkParams {
  const params = new URLSearchParams(window.location.search);
  const get = (name: string) => params.get(name)?.trim() || null;
  return { participantId: get('PROLIFIC_PID'), prolificStudyId: get('STUDY_ID'), sessionId: get('SESSION_ID') };
}

/** Puts an id typed into the form into the address, so that a reload resumes. */
function rememberParticipantId(id: string) {
  const url = new URL(window.location.href);
  url.searchParams.set('PROLIFIC_PID', id);
  window.history.replaceState(null, '', url);
}

/**
 * The participant's side of a study at /study/<slug>?PROLIFIC_PID=…&STUDY_ID=…&SESSION_ID=…:
 * consent, the tasks in the participant's order, then the final save and the completion code.
 * The participant token is kept per study and participant, so a reload (or coming back later)
 * resumes where they were.
 */
export function StudyApp({ slug }: { slug: string }) {
  const [study] = useState<StudyClient>(createStudyClient);
  const [phase, setPhase] = useState<Phase>({ kind: 'loading' });
  const [params, setParams] = useState<LinkParams>(readParams);
  const [store, setStore] = useState<ParticipantStore | null>(null);
  const client = study.client;

  const begin = useCallback(
    async (link: LinkParams, signal: { cancelled: boolean }) => {
      const show = (next: Phase) => {
        if (!signal.cancelled) setPhase(next);
      };
      show({ kind: 'loading' });
      let info: Info;
      try {
        const { data } = await client.query({ query: StudyInfoDocument, variables: { slug } });
        if (!data) throw new Error('The server did not answer.');
        info = data.studyInfo;
      } catch (error) {
        const problem = studyError(error);
        show(problem.code === 'NOT_FOUND' ? { kind: 'missing' } : { kind: 'failed', message: problem.message });
        return;
      }
      if (signal.cancelled) return;
      document.title = info.title;
      const pid = link.participantId;
      if (!pid) {
        show(info.askForParticipantId ? { kind: 'ask', info, problem: null } : { kind: 'refused', info });
        return;
      }
      const local = new ParticipantStore(slug, pid);
      const startInput = {
        studySlug: slug,
        participantId: pid,
        prolificStudyId: link.prolificStudyId,
        sessionId: link.sessionId,
        resumeSecret: local.resumeSecret,
      };
      try {
        const { data: check } = await client.query({
          query: CheckParticipationQuery,
          variables: { slug, participantId: pid },
        });
        if (check?.checkParticipation) {
          // Never save again; show the code once more if this is the browser that took part.
          let code: string | null = null;
          let url: string | null = null;
          try {
            const { data } = await client.mutate({
              mutation: StartParticipationMutation,
              variables: { input: startInput },
            });
            code = data?.startParticipation.completionCode ?? null;
            url = data?.startParticipation.completionUrl ?? null;
          } catch {
            // Another browser: the code is a courtesy here.
          }
          show({ kind: 'already', info, code, url });
          return;
        }
        let participation: Participation | null = null;
        if (local.token) {
          study.setToken(local.token);
          try {
            const { data } = await client.query({ query: MyParticipationQuery });
            const mine = data?.myParticipation;
            if (mine && mine.studySlug === slug && mine.participantId === pid) participation = mine;
          } catch {
            // Expired or from another database: start (or resume) again below.
          }
        }
        if (!participation) {
          study.setToken(null);
          const { data } = await client.mutate({
            mutation: StartParticipationMutation,
            variables: { input: startInput },
          });
          participation = data?.startParticipation ?? null;
          if (!participation) throw new Error('The server did not start the study.');
        }
        local.token = participation.token;
        study.setToken(participation.token);
        local.updateTimings((timings) => {
          timings.loadedAt ??= new Date().toISOString();
        });
        if (signal.cancelled) return;
        setStore(local);
        show(phaseFor(info, participation));
      } catch (error) {
        const problem = studyError(error);
        const end = problem.code === 'FORBIDDEN' ? endFor(problem.reason) : null;
        if (end) {
          show({ kind: 'ended', info, why: end });
        } else if (problem.code === 'BAD_USER_INPUT' && problem.field === 'participantId') {
          show(info.askForParticipantId ? { kind: 'ask', info, problem: problem.message } : { kind: 'refused', info });
        } else {
          show({ kind: 'failed', message: problem.message });
        }
      }
    },
    [client, slug, study],
  );

  useEffect(() => {
    const signal = { cancelled: false };
    void begin(params, signal);
    return () => {
      signal.cancelled = true;
    };
  }, [begin, params]);

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
