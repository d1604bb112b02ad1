import { useApolloClient } from '@apollo/client/react';
import { type FormEvent, type KeyboardEvent, useEffect, useId, useRef, useState } from 'react';
import { graphql } from '../gql';
import { readItem, writeItem } from '../lib/storage';
import { useLimits } from '../lib/useLimits';
import type { Contact } from './ContactList';

const TypingMutation = graphql(`
  mutation Typing($toUserId: ID!) {
    typing(toUserId: $toUserId)
  }
`);

interface ComposerProps {
  /** Changes when the conversation is opened (again): the focus comes here. */
  focusKey: number;
  meId: string;
  peer: Contact;
  online: boolean;
  queuedCount: number;
  send(body: string): void;
}

/** Lets the other person see I am writing: at most once per the server's throttle (it drops the rest). */
function useTypingSignal(peer: Contact) {
  const client = useApolloClient();
  const limits = useLimits();
  const last = useRef(0);
  return () => {
    if (peer.isBot) return;
    const every = (limits?.typingThrottleSeconds ?? 2) * 1000;
    if (Date.now() - last.current < every) return;
    last.current = Date.now();
    client.mutate({ mutation: TypingMutation, variables: { toUserId: peer.id } }).catch(() => undefined);
  };
}

/** The message box: Enter sends, Shift+Enter is a new line; the draft survives a reload; focused on opening. */
export function Composer({ focusKey, meId, peer, online, queuedCount, send }: ComposerProps) {
  const limits = useLimits();
  const draftKey = `parley.draft.${meId}.${peer.id}`;
  const [draft, setDraft] = useState(() => readItem(draftKey) ?? '');
  const inputId = useId();
  const countId = useId();
  const ref = useRef<HTMLTextAreaElement>(null);
  const signal = useTypingSignal(peer);
  useEffect(() => {
    writeItem(draftKey, draft ? draft : null);
  }, [draftKey, draft]);
  // Opening a conversation puts the next keystroke in its composer.
  useEffect(() => {
    if (focusKey > 0) ref.current?.focus();
  }, [focusKey]);

  const max = limits?.maxMessageChars ?? null;
  const tooLong = max !== null && draft.length > max;
  const submit = (event?: FormEvent) => {
    event?.preventDefault();
    if (!draft.trim() || tooLong) return;
    send(draft);
    setDraft('');
  };
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) submit(event);
  };

  return (
    <form className="composer" onSubmit={submit}>
      {!online && (
        <p className="offline-hint small" role="status">
          Reconnecting... {queuedCount > 0 ? `${queuedCount} queued, ` : ''}messages will be sent when the connection is
          back.
        </p>
      )}
      {online && peer.isBot && !peer.online && (
        <div className="offline-hint small" role="status">
          {peer.username} cannot answer right now.
          {peer.botStatus && peer.botStatus !== 'Ready.' && (
            <details>
              <summary>Details</summary>
              <code>{peer.botStatus}</code>
            </details>
          )}
        </div>
      )}
      <label htmlFor={inputId} className="visually-hidden">
        Message to {peer.username}
      </label>
      <textarea
        ref={ref}
        id={inputId}
        rows={2}
        placeholder={`Message ${peer.username}`}
        value={draft}
        aria-describedby={tooLong ? countId : undefined}
        aria-invalid={tooLong || undefined}
        onChange={(e) => {
          setDraft(e.target.value);
          if (e.target.value.trim()) signal();
        }}
        onKeyDown={onKeyDown}
      />
      {tooLong && (
        <p id={countId} className="error small composer-count" role="alert">
          {draft.length} of {max} characters: please shorten the message.
        </p>
      )}
      <button type="submit" className="primary" disabled={!draft.trim() || tooLong}>
        Send
      </button>
    </form>
  );
}
