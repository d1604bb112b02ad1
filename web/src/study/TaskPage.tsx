import type { ApolloClient } from '@apollo/client';
import { useEffect, useId, useRef, useState } from 'react';
import { Markdown } from '../chat/Markdown';
import type { ParticipationFieldsFragment } from '../gql/graphql';
import { type Answers, pageProblems } from './answers';
import { isOver, studyError } from './errors';
import { QuestionField, questionDomId } from './Questions';
import { StudyChat } from './StudyChat';
import type { ParticipantStore } from './storage';
import { useTaskSave } from './useTaskSave';

export type Participation = ParticipationFieldsFragment;
export type Task = Participation['study']['tasks'][number];

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
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const answersRef = useRef(answers);
  answersRef.current = answers;
  const { saveState, enqueue, mutate, schedule, cancelScheduled } = useTaskSave({
    client,
    task,
    answersRef,
    setErrors,
    onStale,
  });
  const ids = { title: useId(), questions: useId() };
  const questionIds = new Set(task.questions.map((q) => q.id));

  useEffect(() => {
    store.updateTimings((timings) => {
      timings.tasks[task.id] ??= { startedAt: new Date().toISOString() };
    });
    window.scrollTo({ top: 0 });
  }, [store, task.id]);

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
    schedule();
  };

  const next = async () => {
    cancelScheduled();
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
