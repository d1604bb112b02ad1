import { forwardRef } from 'react';
import { Markdown } from '../chat/Markdown';
import { TypingDots } from '../chat/TypingDots';
import { isFinished } from '../jobs/merge';
import type { ChatItem } from './chat-items';

interface StudyMessagesProps {
  items: ChatItem[] | null;
  loading: boolean;
}

function Bubble({ item }: { item: ChatItem }) {
  if (item.text.trim() === '' && !item.images?.length) return null;
  return (
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
  );
}

/** The conversation with the assistant: a stopped reply is marked, a failed one says what to do. */
export const StudyMessages = forwardRef<HTMLOListElement, StudyMessagesProps>(function StudyMessages(
  { items, loading },
  ref,
) {
  return (
    <ol className="study-messages" ref={ref} aria-live="polite" aria-label="Conversation">
      {loading && <li className="muted small">Loading the chat…</li>}
      {items?.length === 0 && (
        <li className="muted small empty-chat">Ask the assistant anything about the task. Press Enter to send.</li>
      )}
      {items?.map((item) => {
        const running = item.role === 'assistant' && !isFinished(item.state);
        return (
          <li
            key={item.key}
            className={`message ${item.role === 'user' ? 'mine' : 'theirs'}`}
            data-role={item.role}
            data-state={item.state}
            aria-busy={running ? true : undefined}
          >
            <span className="visually-hidden">{item.role === 'user' ? 'You:' : 'Assistant:'}</span>
            <Bubble item={item} />
            {running && (
              <span className="meta small">
                <TypingDots label="The assistant is writing" />
              </span>
            )}
            {item.state === 'CANCELED' && (
              <span className="meta small">
                <span className="stopped-mark">Stopped.</span>
              </span>
            )}
            {item.state === 'FAILED' && (
              <span className="meta small error" role="alert">
                The assistant did not answer. You can send your message again.
              </span>
            )}
          </li>
        );
      })}
    </ol>
  );
});
