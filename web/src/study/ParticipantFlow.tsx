import type { ApolloClient } from '@apollo/client';
import { type ReactNode, useState } from 'react';
import { Markdown } from '../chat/Markdown';
import { useConfirm } from '../ui/useConfirm';
import { isOver, studyError } from './errors';
import { Finish } from './Finish';
import type { EndKind } from './Notices';
import { DeclineConsentMutation, GiveConsentMutation, WithdrawParticipationMutation } from './operations';
import { endFor } from './phases';
import type { ParticipantStore } from './storage';
import { type Participation, TaskPage } from './TaskPage';

interface FlowProps {
  client: ApolloClient;
  store: ParticipantStore;
  participation: Participation;
  onChange(participation: Participation): void;
  onReload(): void;
  onDone(code: string | null, url: string | null): void;
  onEnded(why: EndKind): void;
}

/**
 * An active participation: consent (agree or not), then each task in the participant's order, then the
 * final save. Consent returns a new token (it expires with the participation), which the parent keeps.
 */
export function ParticipantFlow({ client, store, participation, onChange, onReload, onDone, onEnded }: FlowProps) {
  const tasks = participation.study.tasks;
  const [leaving, setLeaving] = useState(false);
  const [leaveError, setLeaveError] = useState<string | null>(null);

  const { confirm, dialog } = useConfirm();

  const withdraw = async () => {
    const sure = await confirm({
      title: 'Stop taking part?',
      body: 'Your answers so far are kept, but you cannot continue the study afterwards.',
      confirmLabel: 'Stop taking part',
      cancelLabel: 'Continue the study',
    });
    if (!sure) return;
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
    const sure = await confirm({
      title: 'Not take part?',
      body: 'If you do not agree, the study ends here and nothing more is recorded.',
      confirmLabel: 'I do not agree',
      cancelLabel: 'Go back',
    });
    if (!sure) return;
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
      {dialog}
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
