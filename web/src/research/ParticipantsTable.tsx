import type { ParticipantRowFieldsFragment, ParticipantSort, SortDirection } from '../gql/graphql';
import { formatDuration, formatTime, formatUsd, statusLabel } from './format';

const COLUMNS: { label: string; sort?: ParticipantSort }[] = [
  { label: 'Participant', sort: 'PARTICIPANT_ID' },
  { label: 'Condition', sort: 'CONDITION' },
  { label: 'Status', sort: 'STATUS' },
  { label: 'Started', sort: 'STARTED_AT' },
  { label: 'Consented', sort: 'CONSENTED_AT' },
  { label: 'Completed', sort: 'COMPLETED_AT' },
  { label: 'Time per task' },
  { label: 'Score', sort: 'SCORE' },
  { label: 'Failed checks' },
  { label: 'Chat turns' },
  { label: 'Tokens' },
  { label: 'Cost' },
  { label: 'Actions' },
];

/** The rows of one page; sortable headers are buttons, and the table scrolls inside its own labelled region. */
export function ParticipantsTable({
  rows,
  sort,
  direction,
  onSort,
  onOpen,
  onDelete,
}: {
  rows: ParticipantRowFieldsFragment[];
  sort: ParticipantSort;
  direction: SortDirection;
  onSort: (sort: ParticipantSort) => void;
  onOpen: (id: string) => void;
  onDelete: (row: ParticipantRowFieldsFragment) => void;
}) {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be reachable by keyboard.
    <section className="table-scroll" aria-label="Participants table" tabIndex={0}>
      <table className="participants-table">
        <thead>
          <tr>
            {COLUMNS.map((c) => (
              <th
                key={c.label}
                scope="col"
                aria-sort={c.sort && c.sort === sort ? (direction === 'ASC' ? 'ascending' : 'descending') : undefined}
              >
                {c.sort ? (
                  <button type="button" className="sort-button" onClick={() => onSort(c.sort as ParticipantSort)}>
                    {c.label}
                    <span aria-hidden="true">{c.sort === sort ? (direction === 'ASC' ? ' ▲' : ' ▼') : ''}</span>
                  </button>
                ) : (
                  c.label
                )}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.id} data-testid="participant-row" data-participant={r.participantId}>
              <th scope="row">
                <button type="button" className="link-button" onClick={() => onOpen(r.id)}>
                  {r.participantId}
                </button>
                {r.preview && <span className="tag">preview</span>}
              </th>
              <td>{r.condition ?? '–'}</td>
              <td data-testid="status">{statusLabel(r.status, r.currentTask, r.taskCount)}</td>
              <td>{formatTime(r.startedAt)}</td>
              <td>{formatTime(r.consentedAt)}</td>
              <td>{formatTime(r.completedAt)}</td>
              <td>{r.taskTimes.map((t) => `${t.taskId}: ${formatDuration(t.seconds)}`).join(', ') || '–'}</td>
              <td>{r.score === null ? '–' : `${r.score} / ${r.scoreTotal}`}</td>
              <td>{r.attentionFailures}</td>
              <td>{r.turns}</td>
              <td>{r.tokens}</td>
              <td>{formatUsd(r.costUsd)}</td>
              <td>
                <button type="button" className="danger" onClick={() => onDelete(r)}>
                  Delete<span className="visually-hidden"> {r.participantId}</span>
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
