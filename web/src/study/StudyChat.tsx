import type { ApolloClient } from '@apollo/client';
import { useId, useLayoutEffect, useRef, useState } from 'react';
import { ErrorNote } from '../lib/ErrorNote';
import { errorMessage } from '../lib/errors';
import { useLimits } from '../lib/useLimits';
import { StudyComposer } from './StudyComposer';
import { StudyMessages } from './StudyMessages';
import type { ParticipantStore } from './storage';
import { useAttachments } from './useAttachments';
import { useStudyChat } from './useStudyChat';

interface StudyChatProps {
  client: ApolloClient;
  store: ParticipantStore;
  taskId: string;
  turnLimit: number;
  requireChat: boolean;
  /** The task shows images of its own: the participant may send images too. */
  allowImages: boolean;
}

/**
 * The model chat of one task. The conversation is the server's (useStudyChat); the page scrolls as one,
 * and the reply being written is kept in view above the composer.
 */
export function StudyChat({ client, store, taskId, turnLimit, requireChat, allowImages }: StudyChatProps) {
  const limits = useLimits();
  const chat = useStudyChat(client, store, taskId);
  const [problem, setProblem] = useState<string | null>(null);
  const [sending, setSending] = useState(false);
  const [stopping, setStopping] = useState(false);
  const attachments = useAttachments(limits?.maxImagesPerTurn ?? 0, setProblem);
  const listRef = useRef<HTMLOListElement>(null);
  const ids = { title: useId(), limit: useId() };

  // Keep the newest message in view as replies stream in: the list's own end, then the page's.
  // biome-ignore lint/correctness/useExhaustiveDependencies: the items are what change the height
  useLayoutEffect(() => {
    const list = listRef.current;
    if (!list) return;
    list.scrollTop = list.scrollHeight;
    if (chat.writing) list.lastElementChild?.scrollIntoView({ block: 'nearest' });
  }, [chat.items]);

  const left = Math.max(0, turnLimit - chat.used);
  const canSend = chat.items !== null && !sending && !chat.writing && left > 0;

  const send = async (text: string) => {
    const images = attachments.images;
    setSending(true);
    setProblem(null);
    attachments.setImages([]);
    try {
      await chat.send(text, images);
      return true;
    } catch (error) {
      attachments.setImages(images);
      setProblem(`Not sent: ${errorMessage(error)}`);
      return false;
    } finally {
      setSending(false);
    }
  };
  const stop = async () => {
    setStopping(true);
    try {
      await chat.stop();
    } catch (error) {
      setProblem(errorMessage(error));
    } finally {
      setStopping(false);
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
      {requireChat && chat.used === 0 && <p className="small notice">Please use the chat before you go on.</p>}
      <StudyMessages ref={listRef} items={chat.items} loading={chat.items === null && !chat.loadError} />
      {chat.loadError !== null && (
        <div className="small">
          <ErrorNote summary="Could not load the chat." detail={chat.loadError} />
          <button type="button" className="small" onClick={() => void chat.load()}>
            Try again
          </button>
        </div>
      )}
      {problem && (
        <p className="error small chat-problem" role="alert">
          {problem}
        </p>
      )}
      {left === 0 && !chat.writing ? (
        <p className="notice small" role="status">
          You have used all {turnLimit} messages of this task.
        </p>
      ) : (
        <StudyComposer
          disabled={chat.items === null}
          canSend={canSend}
          writing={!!chat.writing}
          stopping={stopping}
          maxChars={limits?.maxMessageChars ?? 4000}
          limitId={ids.limit}
          allowImages={allowImages && (limits?.maxImagesPerTurn ?? 0) > 0}
          images={attachments.images}
          imagesFull={attachments.full}
          onAttach={(event) => void attachments.attach(event)}
          onRemoveImage={attachments.remove}
          onSend={send}
          onStop={() => void stop()}
        />
      )}
    </section>
  );
}
