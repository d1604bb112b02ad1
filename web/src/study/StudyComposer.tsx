import { type KeyboardEvent, useId, useRef, useState } from 'react';

interface StudyComposerProps {
  /** Until the chat so far is loaded, the messages left are unknown. */
  disabled: boolean;
  canSend: boolean;
  writing: boolean;
  stopping: boolean;
  maxChars: number;
  limitId: string;
  /** Only tasks with images of their own offer to attach one. */
  allowImages: boolean;
  images: string[];
  imagesFull: boolean;
  onAttach(event: React.ChangeEvent<HTMLInputElement>): void;
  onRemoveImage(index: number): void;
  onSend(text: string): Promise<boolean>;
  onStop(): void;
}

/** The message box of the study chat: Enter sends, Shift+Enter is a new line; Stop while a reply streams. */
export function StudyComposer(props: StudyComposerProps) {
  const { disabled, canSend, writing, stopping, maxChars, limitId, allowImages, images, imagesFull } = props;
  const [draft, setDraft] = useState('');
  const inputId = useId();
  const fileRef = useRef<HTMLInputElement>(null);
  const send = async () => {
    const text = draft.trim();
    if (!canSend || (!text && images.length === 0)) return;
    setDraft('');
    // Not sent: the message goes back into the box.
    if (!(await props.onSend(text))) setDraft(text);
  };
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      void send();
    }
  };
  return (
    <form
      className="composer study-composer"
      onSubmit={(event) => {
        event.preventDefault();
        void send();
      }}
    >
      {images.length > 0 && (
        <ul className="attachments" aria-label="Images to send">
          {images.map((src, i) => (
            <li key={src.slice(-32) + String(i)}>
              <img src={src} alt={`Attachment ${i + 1}`} />
              <button
                type="button"
                className="icon"
                aria-label={`Remove image ${i + 1}`}
                onClick={() => props.onRemoveImage(i)}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      <label htmlFor={inputId} className="visually-hidden">
        Message to the assistant
      </label>
      <textarea
        id={inputId}
        rows={2}
        value={draft}
        maxLength={maxChars}
        placeholder="Write a message… (Enter sends, Shift+Enter for a new line)"
        aria-describedby={limitId}
        onChange={(e) => setDraft(e.target.value)}
        onKeyDown={onKeyDown}
        disabled={disabled}
      />
      <div className="composer-actions">
        {allowImages && (
          <>
            <input
              ref={fileRef}
              type="file"
              accept="image/png,image/jpeg,image/webp,image/gif"
              multiple
              hidden
              aria-label="Attach images"
              onChange={props.onAttach}
            />
            <button type="button" onClick={() => fileRef.current?.click()} disabled={imagesFull || !canSend}>
              Attach image
            </button>
          </>
        )}
        {writing ? (
          <button type="button" onClick={props.onStop} disabled={stopping}>
            Stop
          </button>
        ) : (
          <button type="submit" className="primary" disabled={!canSend || (!draft.trim() && images.length === 0)}>
            Send
          </button>
        )}
      </div>
    </form>
  );
}
