import { useQuery } from '@apollo/client/react';
import { useEffect, useRef } from 'react';
import { graphql } from '../gql';
import type { ParticipantTranscriptQuery } from '../gql/graphql';
import { ErrorNote } from './ErrorNote';
import { formatDuration, formatTime, formatUsd, statusLabel } from './format';

const ParticipantTranscriptDocument = graphql(`
  query ParticipantTranscript($slug: String!, $id: ID!) {
    participantTranscript(slug: $slug, participationId: $id) {
      participant {
        ...ParticipantRowFields
      }
      tasks {
        taskId
        title
        doneAt
        answers
        attentionFailures {
          questionId
          answer
          policy
          createdAt
        }
        turns {
          id
          role
          text
          images
          systemPrompt
          sentTurnIds
          model
          promptTokens
          completionTokens
          latencyMs
          outcome
          createdAt
        }
      }
    }
  }
`);

type Task = ParticipantTranscriptQuery['participantTranscript']['tasks'][number];
const show = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));

/** One participant on a timeline: consent, then each task with its answers, failed checks and chat. */
export function TranscriptPanel({ slug, id, onClose }: { slug: string; id: string; onClose: () => void }) {
  const { data, error } = useQuery(ParticipantTranscriptDocument, {
    variables: { slug, id },
    fetchPolicy: 'cache-and-network',
  });
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  const t = data?.participantTranscript;
  const p = t?.participant;
  return (
    <section className="research-card transcript" aria-labelledby="transcript-title">
      <div className="research-title">
        <h2 id="transcript-title" ref={heading} tabIndex={-1}>
          Transcript {p ? `of ${p.participantId}` : ''}
        </h2>
        <button type="button" onClick={onClose}>
          Close transcript
        </button>
      </div>
      <ErrorNote error={error} />
      {p && t && (
        <ol className="timeline">
          <li>
            <strong>Opened the link</strong> {formatTime(p.startedAt)}
          </li>
          <li>
            <strong>Consented</strong> {formatTime(p.consentedAt)} · condition {p.condition ?? '–'}
            {p.preview && <span className="tag">preview</span>}
          </li>
          {t.tasks.map((task) => (
            <TaskEntry key={task.taskId} task={task} />
          ))}
          <li>
            <strong>Now</strong> {statusLabel(p.status, p.currentTask, p.taskCount)}
            {p.completedAt && ` · ended ${formatTime(p.completedAt)}`} · {p.tokens} tokens · {formatUsd(p.costUsd)}
          </li>
        </ol>
      )}
    </section>
  );
}

function TaskEntry({ task }: { task: Task }) {
  const answers = Object.entries((task.answers ?? {}) as Record<string, unknown>);
  return (
    <li>
      <h3>
        Task: {task.title} <span className="muted small">done {formatTime(task.doneAt)}</span>
      </h3>
      {task.turns.length > 0 && (
        <ol className="transcript-chat" aria-label={`Chat in ${task.title}`}>
          {task.turns.map((turn) => (
            <li key={turn.id} className={`turn turn-${turn.role}`} data-testid="transcript-turn">
              <div className="small muted">
                {turn.role === 'user' ? 'Participant' : `Model ${turn.model ?? ''}`} · {formatTime(turn.createdAt)}
                {turn.role !== 'user' &&
                  ` · ${turn.promptTokens ?? '?'} + ${turn.completionTokens ?? '?'} tokens · ${formatDuration(
                    turn.latencyMs === null ? null : turn.latencyMs / 1000,
                  )} · ${turn.outcome ?? ''}`}
              </div>
              {turn.systemPrompt && (
                <details>
                  <summary>System prompt sent with this message</summary>
                  <pre>{turn.systemPrompt}</pre>
                </details>
              )}
              <p className="turn-text">{turn.text}</p>
              {turn.images.map((src, i) => (
                <img key={src.slice(-32)} src={src} alt={`Sent by the participant (${i + 1})`} className="turn-image" />
              ))}
            </li>
          ))}
        </ol>
      )}
      {task.attentionFailures.length > 0 && (
        <ul className="attention-failures">
          {task.attentionFailures.map((f) => (
            <li key={`${f.questionId}-${f.createdAt}`} className="error">
              Failed attention check {f.questionId}: answered {show(f.answer)} ({f.policy}) at {formatTime(f.createdAt)}
            </li>
          ))}
        </ul>
      )}
      {answers.length > 0 && (
        <dl className="answers">
          {answers.map(([question, value]) => (
            <div key={question}>
              <dt>{question}</dt>
              <dd>{show(value)}</dd>
            </div>
          ))}
        </dl>
      )}
    </li>
  );
}
