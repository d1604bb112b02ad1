import type { ApolloClient } from '@apollo/client';
import {
  type ChangeEvent,
  type KeyboardEvent,
  useCallback,
  useEffect,
  useId,
  useLayoutEffect,
  useRef,
  useState,
} from 'react';
import { Markdown } from '../chat/Markdown';
import type { StudyJobFieldsFragment } from '../gql/graphql';
import { errorMessage } from '../lib/errors';
import { newClientId } from '../lib/uuid';
import { shrinkImage } from './images';
import {
  StudyCancelChatMutation,
  StudyJobStatusQuery,
  StudyJobUpdatedSubscription,
  StudySubmitChatMutation,
  TaskTurnsQuery,
} from './operations';
import type { ParticipantStore } from './storage';

type Job = StudyJobFieldsFragment;
type JobState = Job['state'];

/** The server's default MAX_IMAGES_PER_TURN. */
const MAX_IMAGES = 4;

interface ChatItem {
  key: string;
  role: 'user' | 'assistant';
  text: string;
  images?: string[];
  /** Assistant turns: the job writing it, and how it ended. */
  jobId?: string;
  state?: JobState;
  error?: string | null;
}

const finished = (state: JobState | undefined) => state === 'COMPLETED' || state === 'FAILED' || state === 'CANCELED';

function applyJob(item: ChatItem, job: Job): ChatItem {
  if (finished(item.state) && !finished(job.state)) return item;
  let text = job.text;
  // Streamed text never shrinks; a cancel reports what was saved, which may lag what was shown.
  if (!finished(job.state) && item.text.length > text.length) text = item.text;
  if (job.state === 'CANCELED' && item.text.length > text.length && item.text.startsWith(text)) text = item.text;
  return { ...item, text, state: job.state, error: job.state === 'FAILED' ? (job.error?.message ?? null) : null };
}

interface StudyChatProps {
  client: ApolloClient;
  store: ParticipantStore;
  taskId: string;
  turnLimit: number;
  requireChat: boolean;
}

/**
 * The model chat of one task. Only the new message (and its images) goes to submitChat: the server
 * keeps the conversation and builds the model's history from it, with the condition's system prompt
 * and model. The reply streams in over jobUpdated, with jobStatus polling as a fallback. The chat shown
 * is the server's: loaded from the task's stored turns (images included), then extended as it goes.
 * Images are shrunk in the browser and sent with the message they belong to only.
 */
export function StudyChat({ client, store, taskId, turnLimit, requireChat }: StudyChatProps) {
  const [items, setItems] = useState<ChatItem[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [draft, setDraft] = useState('');
  const [images, setImages] = useState<string[]>([]);
  const [sending, setSending] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [stopping, setStopping] = useState(false);
  const followed = useRef(new Map<string, () => void>());
  const listRef = useRef<HTMLOListElement>(null);
  const fileRef = useRef<HTMLInputElement>(null);
  const ids = { title: useId(), input: useId(), limit: useId() };

  const update = useCallback((job: Job) => {
    setItems((list) => list?.map((item) => (item.jobId === job.id ? applyJob(item, job) : item)) ?? list);
  }, []);

  /** Follows a reply to its end: the subscription, or polling when the socket fails. */
  const follow = useCallback(
    (jobId: string) => {
      if (followed.current.has(jobId)) return;
      let done = false;
      let timer: ReturnType<typeof setTimeout> | undefined;
      let subscription: { unsubscribe(): void } | undefined;
      const end = () => {
        done = true;
        clearTimeout(timer);
        subscription?.unsubscribe();
        followed.current.delete(jobId);
        store.setPendingJob(taskId, null);
      };
      const seen = (job: Job) => {
        update(job);
        if (finished(job.state)) end();
      };
      const poll = () => {
        if (done) return;
        client
          .query({ query: StudyJobStatusQuery, variables: { id: jobId }, fetchPolicy: 'no-cache' })
          .then(({ data }) => data && seen(data.jobStatus))
          .catch(() => undefined)
          .finally(() => {
            if (!done) timer = setTimeout(poll, 1000);
          });
      };
      let polling = false;
      const startPolling = () => {
        if (polling || done) return;
        polling = true;
        poll();
      };
      followed.current.set(jobId, () => {
        done = true;
        clearTimeout(timer);
        subscription?.unsubscribe();
      });
      subscription = client.subscribe({ query: StudyJobUpdatedSubscription, variables: { id: jobId } }).subscribe({
        next: (result) => {
          if (result.data?.jobUpdated) seen(result.data.jobUpdated);
          else if (result.error) startPolling();
        },
        error: startPolling,
        complete: startPolling,
      });
      if (done) subscription.unsubscribe();
    },
    [client, store, taskId, update],
  );

  useEffect(() => {
    const subscriptions = followed.current;
    return () => {
      for (const stop of subscriptions.values()) stop();
      subscriptions.clear();
    };
  }, []);

  // The chat so far (after a reload), and a reply still being written then.
  const load = useCallback(async () => {
    setLoadError(null);
    try {
      const { data } = await client.query({ query: TaskTurnsQuery, variables: { taskId }, fetchPolicy: 'no-cache' });
      const turns = data?.myParticipation.turns ?? [];
      const list: ChatItem[] = turns.map((turn) => ({
        key: turn.id,
        role: turn.role === 'assistant' ? 'assistant' : 'user',
        text: turn.text,
        ...(turn.images.length ? { images: turn.images } : {}),
        ...(turn.role === 'assistant'
          ? {
              state: (turn.outcome as JobState | null) ?? 'COMPLETED',
              error: turn.outcome === 'FAILED' ? 'The assistant did not answer.' : null,
            }
          : {}),
      }));
      const pending = store.pendingJob(taskId);
      if (pending && list.at(-1)?.role === 'user') {
        list.push({ key: `job:${pending}`, role: 'assistant', text: '', jobId: pending, state: 'QUEUED' });
        setItems(list);
        follow(pending);
      } else {
        if (pending) store.setPendingJob(taskId, null);
        setItems(list);
      }
    } catch (error) {
      setLoadError(errorMessage(error));
    }
  }, [client, store, taskId, follow]);

  useEffect(() => {
    void load();
  }, [load]);

  // Keep the newest message in view as replies stream in.
  // biome-ignore lint/correctness/useExhaustiveDependencies: the items are what change the height
  useLayoutEffect(() => {
    const list = listRef.current;
    if (list) list.scrollTop = list.scrollHeight;
  }, [items]);

  const used = items?.filter((item) => item.role === 'user').length ?? 0;
  const left = Math.max(0, turnLimit - used);
  const writing = items?.find((item) => item.role === 'assistant' && item.jobId && !finished(item.state));
  const canSend = items !== null && !sending && !writing && left > 0;

  async function send() {
    const text = draft.trim();
    if (!canSend || (!text && images.length === 0)) return;
    const mine: ChatItem = { key: `local:${newClientId()}`, role: 'user', text, images };
    setSending(true);
    setProblem(null);
    setItems((list) => [...(list ?? []), mine]);
    setDraft('');
    setImages([]);
    try {
      const { data } = await client.mutate({
        mutation: StudySubmitChatMutation,
        variables: {
          input: {
            taskId,
            messages: [{ role: 'user', content: text, ...(images.length ? { images } : {}) }],
          },
        },
      });
      const job = data?.submitChat;
      if (!job) throw new Error('The server did not take the message.');
      store.setPendingJob(taskId, job.id);
      setItems((list) => [
        ...(list ?? []),
        applyJob({ key: `job:${job.id}`, role: 'assistant', text: '', jobId: job.id }, job),
      ]);
      if (!finished(job.state)) follow(job.id);
    } catch (error) {
      // Not sent: take the message back into the box.
      setItems((list) => list?.filter((item) => item !== mine) ?? list);
      setDraft(text);
      setImages(mine.images ?? []);
      setProblem(`Not sent: ${errorMessage(error)}`);
    } finally {
      setSending(false);
    }
  }

  async function stop() {
    if (!writing?.jobId) return;
    setStopping(true);
    try {
      const { data } = await client.mutate({ mutation: StudyCancelChatMutation, variables: { id: writing.jobId } });
      if (data) update(data.cancelChat);
    } catch (error) {
      setProblem(errorMessage(error));
    } finally {
      setStopping(false);
    }
  }

  async function attach(event: ChangeEvent<HTMLInputElement>) {
    const files = [...(event.target.files ?? [])];
    event.target.value = '';
    if (!files.length) return;
    setProblem(null);
    const room = MAX_IMAGES - images.length;
    if (files.length > room) setProblem(`At most ${MAX_IMAGES} images per message.`);
    const shrunk: string[] = [];
    for (const file of files.slice(0, Math.max(0, room))) {
      try {
        shrunk.push(await shrinkImage(file));
      } catch (error) {
        setProblem(`${file.name}: ${errorMessage(error)}`);
      }
    }
    setImages((list) => [...list, ...shrunk].slice(0, MAX_IMAGES));
  }

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      void send();
    }
  };

  return (
    <section className="study-chat" aria-labelledby={ids.title}>
      <header className="study-chat-header">
        <h2 id={ids.title}>Chat with the AI assistant</h2>
        <span id={ids.limit} className="small muted" data-testid="turns-left">
          {left} of {turnLimit} messages left
        </span>
      </header>
      {requireChat && used === 0 && <p className="small notice">Please use the chat before you go on.</p>}
      <ol className="study-messages" ref={listRef} aria-live="polite" aria-label="Conversation">
        {items === null && !loadError && <li className="muted small">Loading the chat…</li>}
        {items?.length === 0 && (
          <li className="muted small empty-chat">Ask the assistant anything about the task. Press Enter to send.</li>
        )}
        {items?.map((item) => (
          <li
            key={item.key}
            className={`message ${item.role === 'user' ? 'mine' : 'theirs'}`}
            data-role={item.role}
            data-state={item.state}
            aria-busy={item.role === 'assistant' && !finished(item.state) ? true : undefined}
          >
            <span className="visually-hidden">{item.role === 'user' ? 'You:' : 'Assistant:'}</span>
            {(item.text.trim() !== '' || (item.images?.length ?? 0) > 0) && (
              <div className="bubble">
                {item.images && item.images.length > 0 && (
                  <span className="chat-images">
                    {item.images.map((src, i) => (
                      <img key={src.slice(-32) + String(i)} src={src} alt={`Attachment ${i + 1} you sent`} />
                    ))}
                  </span>
                )}
                {item.role === 'assistant' ? <Markdown text={item.text} /> : <span className="plain">{item.text}</span>}
              </div>
            )}
            {item.role === 'assistant' && !finished(item.state) && (
              <span className="meta small">
                <span className="typing" role="status" aria-label="The assistant is writing">
                  <span />
                  <span />
                  <span />
                </span>
              </span>
            )}
            {item.state === 'CANCELED' && <span className="meta small">Stopped.</span>}
            {item.state === 'FAILED' && (
              <span className="meta small error" role="alert">
                {item.error ?? 'The assistant did not answer.'} You can send your message again.
              </span>
            )}
          </li>
        ))}
      </ol>
      {loadError && (
        <p className="error small" role="alert">
          Could not load the chat: {loadError}{' '}
          <button type="button" className="small" onClick={() => void load()}>
            Try again
          </button>
        </p>
      )}
      {problem && (
        <p className="error small chat-problem" role="alert">
          {problem}
        </p>
      )}
      {images.length > 0 && (
        <ul className="attachments" aria-label="Images to send">
          {images.map((src, i) => (
            <li key={src.slice(-32) + String(i)}>
              <img src={src} alt={`Attachment ${i + 1}`} />
              <button
                type="button"
                className="icon"
                aria-label={`Remove image ${i + 1}`}
                onClick={() => setImages((list) => list.filter((_, j) => j !== i))}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      {left === 0 && !writing ? (
        <p className="notice small" role="status">
          You have used all {turnLimit} messages of this task.
        </p>
      ) : (
        <form
          className="composer study-composer"
          onSubmit={(event) => {
            event.preventDefault();
            void send();
          }}
        >
          <label htmlFor={ids.input} className="visually-hidden">
            Message to the assistant
          </label>
          <textarea
            id={ids.input}
            rows={2}
            value={draft}
            maxLength={4000}
            placeholder="Write a message… (Enter sends, Shift+Enter for a new line)"
            aria-describedby={ids.limit}
            onChange={(e) => setDraft(e.target.value)}
            onKeyDown={onKeyDown}
            // Until the task's chat so far is loaded, the messages left are unknown.
            disabled={items === null}
          />
          <div className="composer-actions">
            <input
              ref={fileRef}
              type="file"
              accept="image/png,image/jpeg,image/webp,image/gif"
              multiple
              hidden
              aria-label="Attach images"
              onChange={(e) => void attach(e)}
            />
            <button
              type="button"
              onClick={() => fileRef.current?.click()}
              disabled={images.length >= MAX_IMAGES || !canSend}
            >
              Attach image
            </button>
            {writing ? (
              <button type="button" onClick={() => void stop()} disabled={stopping}>
                Stop
              </button>
            ) : (
              <button type="submit" className="primary" disabled={!canSend || (!draft.trim() && images.length === 0)}>
                Send
              </button>
            )}
          </div>
        </form>
      )}
    </section>
  );
}
