import { useApolloClient } from '@apollo/client/react';
import { useState } from 'react';
import { regenerateReply } from '../jobs/actions';
import { ErrorNote } from '../lib/ErrorNote';
import { formatMessageTime } from '../lib/time';
import { Markdown } from './Markdown';
import { pointJobAt } from './pointJobAt';
import type { Item, ItemStatus } from './useConversation';

function statusText(status: ItemStatus, online: boolean): string {
  switch (status) {
    case 'sent':
      return 'Sent';
    case 'read':
      return 'Read';
    case 'sending':
      return 'Sending…';
    case 'queued':
      return online ? 'Sending…' : 'Queued';
    case 'failed':
      return 'Not sent';
    default:
      return '';
  }
}

interface MessageItemProps {
  item: Item;
  /** The first and the last of a group of one sender's messages. */
  first: boolean;
  last: boolean;
  online: boolean;
  /** From a bot: it can answer again. */
  botReply: boolean;
  /** My message this reply answered: its new reply job is followed there. */
  triggerId: string | null;
  retry(clientId: string): void;
  discard(clientId: string): void;
}

/** One message: its bubble, its time at the end of a group, my messages' status, a stopped reply's mark. */
export function MessageItem({ item, first, last, online, botReply, triggerId, retry, discard }: MessageItemProps) {
  const client = useApolloClient();
  const [problem, setProblem] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const regenerate = async () => {
    if (!item.messageId) return;
    setBusy(true);
    setProblem(null);
    try {
      const job = await regenerateReply(client, item.messageId);
      if (job && triggerId) pointJobAt(client.cache, triggerId, job);
    } catch (error) {
      setProblem(error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <li
      className={`message ${item.mine ? 'mine' : 'theirs'}${first ? ' first' : ''}${last ? ' last' : ''}`}
      data-status={item.status}
      data-client-id={item.clientId ?? undefined}
      data-stopped={item.stopped ? 'true' : undefined}
    >
      <div className="bubble">
        <Markdown text={item.body} />
      </div>
      <div className="meta small">
        <time dateTime={item.createdAt} className={last ? undefined : 'visually-hidden'}>
          {formatMessageTime(item.createdAt)}
        </time>
        {item.mine && <span className={`status status-${item.status}`}>{statusText(item.status, online)}</span>}
        {item.stopped && <span className="stopped-mark">Stopped</span>}
        {botReply && item.messageId && (
          <button type="button" className="small link-button" onClick={() => void regenerate()} disabled={busy}>
            Regenerate
          </button>
        )}
      </div>
      {problem !== null && <ErrorNote summary="Could not ask for a new reply. Please try again." detail={problem} />}
      {item.status === 'queued' && item.error && (
        <div className="small muted" role="status">
          {item.error}
        </div>
      )}
      {item.status === 'failed' && item.clientId && (
        <div className="failed small" role="alert">
          {item.error ?? 'The server refused this message.'}{' '}
          <button type="button" onClick={() => item.clientId && retry(item.clientId)}>
            Retry
          </button>{' '}
          <button type="button" onClick={() => item.clientId && discard(item.clientId)}>
            Discard
          </button>
        </div>
      )}
    </li>
  );
}
