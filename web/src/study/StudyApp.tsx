import type { ApolloClient } from '@apollo/client';
import { type FormEvent, type ReactNode, useCallback, useEffect, useId, useRef, useState } from 'react';
import { Markdown } from '../chat/Markdown';
import type { StudyInfoQuery } from '../gql/graphql';
import { createStudyClient, type StudyClient } from './client';
import { isOver, studyError } from './errors';
import { type EndKind, EndNotice, Notice, ScreenedOutNotice } from './Notices';
import {
  CheckParticipationQuery,
  DeclineConsentMutation,
  GiveConsentMutation,
  MyParticipationQuery,
  SaveParticipationMutation,
  StartParticipationMutation,
  StudyInfoQuery as StudyInfoDocument,
  WithdrawParticipationMutation,
} from './operations';
import { ParticipantStore } from './storage';
import { type Participation, TaskPage } from './TaskPage';
import './study.css';

type Info = StudyInfoQuery['studyInfo'];

type Phase =
  | { kind: 'loading' }
  | { kind: 'failed'; message: string }
  | { kind: 'missing' }
  | { kind: 'ask'; info: Info; problem: string | null }
  | { kind: 'refused'; info: Info }
  | { kind: 'already'; info: Info; code: string | null; url: string | null }
  | { kind: 'active'; info: Info; participation: Participation }
  | { kind: 'ended'; info: Info; why: EndKind }
  | { kind: 'screenedOut'; info: Info; code: string | null; url: string | null }
  | { kind: 'done'; info: Info; code: string | null; url: string | null };

/** What the form accepts before asking the server (which knows the study's id pattern). */
const TYPED_ID = /^[A-Za-z0-9_-]{1,128}$/;

/** The page for a participation as the server reports it. */
function phaseFor(info: Info, participation: Participation): Phase {
  switch (participation.status) {
    case 'COMPLETED':
      return {
        kind: 'already',
        info,
        code: participation.completionCode ?? null,
        url: participation.completionUrl ?? null,
      };
    case 'SCREENED_OUT':
      return {
        kind: 'screenedOut',
        info,
        code: participation.completionCode ?? null,
        url: participation.completionUrl ?? null,
      };
    case 'RETURNED':
      return { kind: 'ended', info, why: 'withdrawn' };
    case 'DECLINED':
      return { kind: 'ended', info, why: 'declined' };
    case 'TIMED_OUT':
      return { kind: 'ended', info, why: 'timedOut' };
    default:
      return { kind: 'active', info, participation };
  }
}

/** The page for a refusal the server gave with a reason, if it has one. */
function endFor(reason: string | undefined): EndKind | null {
  switch (reason) {
    case 'STARTED_ELSEWHERE':
      return 'elsewhere';
    case 'STUDY_FULL':
      return 'full';
    case 'WRONG_STUDY':
      return 'wrongStudy';
    case 'TIMED_OUT':
      return 'timedOut';
    case 'DECLINED':
      return 'declined';
    case 'WITHDRAWN':
      return 'withdrawn';
    default:
      return null;
  }
}
/** How long the end page shows the completion code before going back to Prolific. */
export const REDIRECT_DELAY_MS = 3000;

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
    <div className="study-page">
      <header className="study-header">
        <span className="study-name">{participation?.study.title ?? info?.title ?? 'Study'}</span>
        {participation && <StudyProgress participation={participation} />}
        {participation?.deadline && <TimeLeft deadline={participation.deadline} />}
      </header>
      <main className="study-main">{body}</main>
    </div>
  );
}

function AskForId({ info, problem, onSubmit }: { info: Info; problem: string | null; onSubmit(id: string): void }) {
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
      <h1 id="ask-title">{info.title}</h1>
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

function StudyProgress({ participation }: { participation: Participation }) {
  const total = participation.study.tasks.length;
  if (!participation.consentedAt) return <span className="study-step small">Consent</span>;
  const current = Math.min(participation.currentTask + 1, total);
  const done = participation.currentTask >= total;
  return (
    <span className="study-step small">
      <span>{done ? 'Saving your answers' : `Task ${current} of ${total}`}</span>
      <progress max={total} value={participation.currentTask} aria-label="Tasks done" />
    </span>
  );
}

function formatLeft(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  const two = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${two(m)}:${two(s)}` : `${m}:${two(s)}`;
}

function TimeLeft({ deadline }: { deadline: string }) {
  const end = Date.parse(deadline);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  if (Number.isNaN(end)) return null;
  const left = end - now;
  const urgent = left < 5 * 60_000;
  return (
    <span className={`time-left small${urgent ? ' urgent' : ''}`} data-testid="time-left">
      {left > 0 ? (
        <>
          Time left: <strong>{formatLeft(left)}</strong>
        </>
      ) : (
        <strong>Time is up: please finish now.</strong>
      )}
    </span>
  );
}

interface FlowProps {
  client: ApolloClient;
  store: ParticipantStore;
  participation: Participation;
  onChange(participation: Participation): void;
  onReload(): void;
  onDone(code: string | null, url: string | null): void;
  onEnded(why: EndKind): void;
}

function ParticipantFlow({ client, store, participation, onChange, onReload, onDone, onEnded }: FlowProps) {
  const tasks = participation.study.tasks;
  const [leaving, setLeaving] = useState(false);
  const [leaveError, setLeaveError] = useState<string | null>(null);

  const withdraw = async () => {
    if (!window.confirm('Do you really want to stop taking part in this study?')) return;
    setLeaving(true);
    try {
      await client.mutate({ mutation: WithdrawParticipationMutation });
      onEnded('withdrawn');
    } catch (error) {
      const problem = studyError(error);
      // Already over (time, another tab): show how it ended.
      if (isOver(problem)) onReload();
      setLeaveError(problem.message);
      setLeaving(false);
    }
  };

  const decline = async () => {
    setLeaving(true);
    try {
      await client.mutate({ mutation: DeclineConsentMutation });
      onEnded('declined');
    } catch (error) {
      const problem = studyError(error);
      if (isOver(problem)) onReload();
      setLeaveError(problem.message);
      setLeaving(false);
    }
  };

  let page: ReactNode;
  if (!participation.consentedAt) {
    page = (
      <ConsentPage
        client={client}
        store={store}
        participation={participation}
        onConsent={onChange}
        onDecline={() => void decline()}
        onEnded={onEnded}
        declining={leaving}
      />
    );
  } else {
    const task = tasks[participation.currentTask];
    page = task ? (
      <TaskPage
        key={task.id}
        client={client}
        store={store}
        participation={participation}
        task={task}
        isLast={participation.currentTask === tasks.length - 1}
        onAdvance={onChange}
        onStale={onReload}
      />
    ) : (
      <Finish client={client} store={store} participation={participation} onDone={onDone} onReload={onReload} />
    );
  }

  return (
    <>
      {page}
      {participation.consentedAt && participation.currentTask < tasks.length && (
        <footer className="study-footer small muted">
          <button type="button" className="link-button" onClick={() => void withdraw()} disabled={leaving}>
            Stop taking part
          </button>
          {leaveError && (
            <span className="error" role="alert">
              {' '}
              {leaveError}
            </span>
          )}
        </footer>
      )}
    </>
  );
}

interface ConsentProps {
  client: ApolloClient;
  store: ParticipantStore;
  participation: Participation;
  onConsent(participation: Participation): void;
  onDecline(): void;
  onEnded(why: EndKind): void;
  declining: boolean;
}

function ConsentPage({ client, store, participation, onConsent, onDecline, onEnded, declining }: ConsentProps) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const agree = async () => {
    setBusy(true);
    setError(null);
    try {
      const { data } = await client.mutate({ mutation: GiveConsentMutation });
      if (!data) throw new Error('The server did not answer.');
      store.updateTimings((timings) => {
        timings.consentedAt = new Date().toISOString();
      });
      onConsent(data.giveConsent);
    } catch (err) {
      const problem = studyError(err);
      const end = problem.code === 'FORBIDDEN' ? endFor(problem.reason) : null;
      if (end) onEnded(end);
      setError(problem.message);
      setBusy(false);
    }
  };
  return (
    <section className="study-card consent" aria-label="Consent">
      <Markdown text={participation.study.consent} />
      {participation.study.timeLimitMinutes ? (
        <p className="small muted">
          You have {participation.study.timeLimitMinutes} minutes to complete the study, counted from when you agree.
        </p>
      ) : null}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <div className="consent-actions">
        <button type="button" className="primary big" onClick={() => void agree()} disabled={busy || declining}>
          I agree
        </button>
        <button type="button" onClick={onDecline} disabled={busy || declining}>
          I do not agree
        </button>
      </div>
    </section>
  );
}

function Finish({
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

function DonePage({ code, url }: { code: string | null; url: string | null }) {
  const [left, setLeft] = useState(Math.ceil(REDIRECT_DELAY_MS / 1000));
  useEffect(() => {
    if (!url) return;
    const started = Date.now();
    const tick = setInterval(() => {
      setLeft(Math.max(0, Math.ceil((REDIRECT_DELAY_MS - (Date.now() - started)) / 1000)));
    }, 250);
    const go = setTimeout(() => window.location.assign(url), REDIRECT_DELAY_MS);
    return () => {
      clearInterval(tick);
      clearTimeout(go);
    };
  }, [url]);
  return (
    <section className="study-card done" aria-labelledby="done-title">
      <h1 id="done-title">Thank you! You have completed the study.</h1>
      {code && (
        <div className="completion">
          <p>Your completion code:</p>
          <p className="completion-code" data-testid="completion-code">
            {code}
          </p>
        </div>
      )}
      {url ? (
        <>
          <p role="status">
            Taking you back to Prolific in {left} second{left === 1 ? '' : 's'}…
          </p>
          <p>
            <a className="button-link primary" href={url}>
              Return to Prolific
            </a>
          </p>
        </>
      ) : (
        <p>Please copy the code above and enter it where you took part.</p>
      )}
    </section>
  );
}
