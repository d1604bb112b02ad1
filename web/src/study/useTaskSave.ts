import type { ApolloClient } from '@apollo/client';
import {
  type Dispatch,
  type MutableRefObject,
  type SetStateAction,
  useCallback,
  useEffect,
  useRef,
  useState,
} from 'react';
import { type Answers, answerProblem } from './answers';
import { isOver, studyError } from './errors';
import { SaveTaskAnswersMutation } from './operations';
import type { Task } from './TaskPage';

/** How long the answers rest before they are saved. */
const SAVE_DELAY_MS = 700;

export type SaveState = { kind: 'idle' } | { kind: 'saving' } | { kind: 'saved' } | { kind: 'failed'; message: string };

interface TaskSaveOptions {
  client: ApolloClient;
  task: Task;
  answersRef: MutableRefObject<Answers>;
  setErrors: Dispatch<SetStateAction<Record<string, string>>>;
  onStale(): void;
}

/**
 * Saving a task's answers as the participant goes: a short rest after each change, one save after another
 * (an older save never lands after a newer one), what is waiting sent when the page goes away, and an
 * answer the server refuses left out so that the others are still saved.
 */
export function useTaskSave({ client, task, answersRef, setErrors, onStale }: TaskSaveOptions) {
  const [saveState, setSaveState] = useState<SaveState>({ kind: 'idle' });
  // A ref, so that autosave keeps its identity (its pending timer survives the parent's renders).
  const staleRef = useRef(onStale);
  staleRef.current = onStale;
  const queue = useRef<Promise<unknown>>(Promise.resolve());
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  /** Saves run one after another, so that an older save never lands after a newer one. */
  const enqueue = useCallback(<T>(run: () => Promise<T>): Promise<T> => {
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
  // biome-ignore lint/correctness/useExhaustiveDependencies: answersRef is a ref (read when it runs), setErrors a state setter
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

  /** Saves a while after the last change. */
  const schedule = () => {
    clearTimeout(timer.current);
    timer.current = setTimeout(() => {
      timer.current = undefined;
      autosave();
    }, SAVE_DELAY_MS);
  };
  const cancelScheduled = () => {
    clearTimeout(timer.current);
    timer.current = undefined;
  };

  return { saveState, enqueue, mutate, schedule, cancelScheduled };
}
