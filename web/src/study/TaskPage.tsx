import type { ApolloClient } from '@apollo/client';
import { useCallback, useEffect, useId, useRef, useState } from 'react';
import { Markdown } from '../chat/Markdown';
import type { ParticipationFieldsFragment } from '../gql/graphql';
import { type Answers, answerProblem, pageProblems } from './answers';
import { isOver, studyError } from './errors';
import { SaveTaskAnswersMutation } from './operations';
import { QuestionField, questionDomId } from './Questions';
import { StudyChat } from './StudyChat';
import type { ParticipantStore } from './storage';

export type Participation = ParticipationFieldsFragment;
export type Task = Participation['study']['tasks'][number];

/** How long the answers rest before they are saved. */
const SAVE_DELAY_MS = 700;

type SaveState = { kind: 'idle' } | { kind: 'saving' } | { kind: 'saved' } | { kind: 'failed'; message: string };

interface TaskPageProps {
  client: ApolloClient;
  store: ParticipantStore;
  participation: Participation;
  task: Task;
  isLast: boolean;
  /** The task was accepted: the participation has moved on. */
  onAdvance(participation: Participation): void;
  /** The server has a newer view (the task was already submitted in another tab, or the participation ended). */
  onStale(): void;
}

function focusQuestion(id: string) {
  const block = document.getElementById(questionDomId(id));
  if (!block) return;
  block.scrollIntoView({ block: 'center', behavior: 'smooth' });
  const input = block.querySelector<HTMLElement>('input:not([type=hidden]), textarea');
  input?.focus({ preventScroll: true });
}

/**
 * One task: its instructions (and images) beside the model chat when the participant's condition has
 * one, then its questions. Answers are kept locally at once and saved to the server as the participant
 * goes (saveTaskAnswers, complete=false); Next saves with complete=true, which the server may refuse
 * (a required question, a failed attention check, the chat not used): the reason is shown where it belongs.
 */
export function TaskPage({ client, store, participation, task, isLast, onAdvance, onStale }: TaskPageProps) {
  const [answers, setAnswers] = useState<Answers>(() => ({
    ...((participation.progress as Record<string, Answers> | null)?.[task.id] ?? {}),
    ...store.draft(task.id),
  }));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [saveState, setSaveState] = useState<SaveState>({ kind: 'idle' });
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const answersRef = useRef(answers);
  answersRef.current = answers;
  // A ref, so that autosave keeps its identity (its pending timer survives the parent's renders).
  const staleRef = useRef(onStale);
  staleRef.current = onStale;
  const queue = useRef<Promise<unknown>>(Promise.resolve());
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const ids = { title: useId(), questions: useId() };
  const questionIds = new Set(task.questions.map((q) => q.id));

  useEffect(() => {
    store.updateTimings((timings) => {
      timings.tasks[task.id] ??= { startedAt: new Date().toISOString() };
    });
    window.scrollTo({ top: 0 });
  }, [store, task.id]);

  /** Saves run one after another, so that an older save never lands after a newer one. */
  const enqueue = useCallback(<T,>(run: () => Promise<T>): Promise<T> => {
    const next = queue.current.then(run, run);
    queue.current = next.catch(() => undefined);
    return next;
  }, []);

  const mutate = useCallback(
    async (payload: Answers, complete: boolean) => {
      const { data } = await client.mutate({
        mutation: SaveTaskAnswersMutation,
        variables: { taskId: task.id, answers: payload, complete },
      });
      if (!data) throw new Error('The server did not answer.');
      return data.saveTaskAnswers;
    },
    [client, task.id],
  );

  /** The answers that pass the checks the browser can make; the others wait until they are fixed. */
  const autosave = useCallback(() => {
    const current = answersRef.current;
    const problems: Record<string, string> = {};
    for (const q of task.questions) {
      const problem = answerProblem(q, current[q.id]);
      if (problem) problems[q.id] = problem;
    }
    setErrors((shown) => ({ ...shown, ...problems }));
    const known = new Set(task.questions.map((q) => q.id));
    let payload = Object.fromEntries(Object.entries(current).filter(([id]) => known.has(id) && !problems[id]));
    setSaveState({ kind: 'saving' });
    void enqueue(async () => {
      // An answer the server refuses is left out, so that the others are still saved.
      for (let attempt = 0; attempt <= task.questions.length; attempt += 1) {
        try {
          await mutate(payload, false);
          setSaveState({ kind: 'saved' });
          return;
        } catch (error) {
          const problem = studyError(error);
          if (problem.code === 'BAD_USER_INPUT' && problem.field && problem.field in payload) {
            const field = problem.field;
            setErrors((shown) => ({ ...shown, [field]: problem.message }));
            payload = Object.fromEntries(Object.entries(payload).filter(([id]) => id !== field));
            continue;
          }
          setSaveState({ kind: 'failed', message: problem.message });
          // The participation is over (time, another tab): the page shows how it ended.
          if (isOver(problem)) staleRef.current();
          return;
        }
      }
    });
  }, [enqueue, mutate, task.questions]);

  // Leaving the page: send what is waiting.
  useEffect(() => {
    const flush = () => {
      if (timer.current === undefined) return;
      clearTimeout(timer.current);
      timer.current = undefined;
      autosave();
    };
    window.addEventListener('pagehide', flush);
    return () => {
      window.removeEventListener('pagehide', flush);
      clearTimeout(timer.current);
    };
  }, [autosave]);

  const change = (id: string, value: unknown) => {
    const next = { ...answersRef.current, [id]: value };
    answersRef.current = next;
    setAnswers(next);
    store.saveDraft(task.id, next);
    setErrors((shown) => {
      if (!(id in shown)) return shown;
      const { [id]: _gone, ...rest } = shown;
      return rest;
    });
    setFormError(null);
    clearTimeout(timer.current);
    timer.current = setTimeout(() => {
      timer.current = undefined;
      autosave();
    }, SAVE_DELAY_MS);
  };

  const next = async () => {
    clearTimeout(timer.current);
    timer.current = undefined;
    const current = answersRef.current;
    const found = pageProblems(task.questions, current);
    const first = task.questions.find((q) => found[q.id]);
    if (first) {
      setErrors(found);
      setFormError('Some answers need your attention (marked above).');
      focusQuestion(first.id);
      return;
    }
    setBusy(true);
    setFormError(null);
    try {
      const payload = Object.fromEntries(Object.entries(current).filter(([id]) => questionIds.has(id)));
      const moved = await enqueue(() => mutate(payload, true));
      const now = new Date();
      store.updateTimings((timings) => {
        const timing = timings.tasks[task.id] ?? { startedAt: now.toISOString() };
        timing.completedAt = now.toISOString();
        timing.seconds = Math.round((now.getTime() - Date.parse(timing.startedAt)) / 1000);
        timings.tasks[task.id] = timing;
      });
      store.saveDraft(task.id, null);
      onAdvance(moved);
    } catch (error) {
      const problem = studyError(error);
      if (problem.field && questionIds.has(problem.field)) {
        const field = problem.field;
        setErrors({ [field]: problem.message });
        setFormError(
          problem.reason === 'ATTENTION_CHECK'
            ? 'Please read the marked question again before you go on.'
            : 'Some answers need your attention (marked above).',
        );
        focusQuestion(field);
      } else if (problem.field === 'taskId' || isOver(problem)) {
        // Already submitted (another tab, a double click), or over (time, screened out): catch up with the server.
        onStale();
      } else {
        setFormError(problem.message);
      }
      setBusy(false);
    }
  };

  const questionsTitle = task.questions.length === 1 ? 'Question' : 'Questions';
  return (
    <article className="task" aria-labelledby={ids.title}>
      <h2 id={ids.title} className="task-title">
        {task.title}
      </h2>
      <div className={`task-top${task.chat ? ' with-chat' : ''}`}>
        <section className="instructions" aria-label="Instructions">
          <Markdown text={task.instructions} />
          {task.images.length > 0 && (
            <div className="task-images">
              {task.images.map((src, i) => (
                <img key={src} src={src} alt={`Illustration ${i + 1} of the task`} loading="lazy" />
              ))}
            </div>
          )}
        </section>
        {task.chat && (
          <StudyChat
            client={client}
            store={store}
            taskId={task.id}
            turnLimit={task.turnLimit}
            requireChat={task.requireChat}
            allowImages={task.images.length > 0}
          />
        )}
      </div>
      <section className="questions" aria-labelledby={ids.questions}>
        {task.questions.length > 0 && <h3 id={ids.questions}>{questionsTitle}</h3>}
        {task.questions.map((q) => (
          <QuestionField
            key={q.id}
            question={q}
            value={answers[q.id]}
            error={errors[q.id] ?? null}
            onChange={(value) => change(q.id, value)}
          />
        ))}
        <div className="task-actions">
          <span className="save-state small muted" role="status">
            {saveState.kind === 'saving' && 'Saving…'}
            {saveState.kind === 'saved' && 'Your answers are saved.'}
            {saveState.kind === 'failed' && <span className="error">Not saved yet: {saveState.message}</span>}
          </span>
          {formError && (
            <p className="error form-error" role="alert">
              {formError}
            </p>
          )}
          <button type="button" className="primary big" onClick={() => void next()} disabled={busy}>
            {busy ? 'Saving…' : isLast ? 'Finish' : 'Next'}
          </button>
        </div>
      </section>
    </article>
  );
}
