import { useQuery } from '@apollo/client/react';
import { useCallback, useEffect, useRef, useState } from 'react';
import { graphql } from '../gql';
import type { ParticipantFilter, ParticipantSort, SortDirection } from '../gql/graphql';
import { ErrorNote } from './ErrorNote';
import { ParticipantFilters } from './ParticipantFilters';
import { ParticipantsTable } from './ParticipantsTable';
import { useParticipantChanges } from './useParticipantChanges';

const StudyParticipantsQuery = graphql(`
  query StudyParticipants(
    $slug: String!
    $filter: ParticipantFilter
    $sort: ParticipantSort
    $direction: SortDirection
    $offset: Int
    $limit: Int
  ) {
    studyParticipants(slug: $slug, filter: $filter, sort: $sort, direction: $direction, offset: $offset, limit: $limit) {
      total
      offset
      limit
      rows {
        ...ParticipantRowFields
      }
    }
  }
`);

const PAGE = 25;

export interface TableState {
  filter: ParticipantFilter;
  sort: ParticipantSort;
  direction: SortDirection;
  offset: number;
}

/** The live participants table of one study: filtered, sorted and paged on the server, updated by subscription. */
export function ParticipantsPanel({
  slug,
  conditions,
  onOpen,
  onDelete,
  onChange,
}: {
  slug: string;
  conditions: string[];
  onOpen: (id: string) => void;
  onDelete: (row: { id: string; participantId: string; preview: boolean }) => void;
  onChange: () => void;
}) {
  const [state, setState] = useState<TableState>({ filter: {}, sort: 'STARTED_AT', direction: 'DESC', offset: 0 });
  const { data, error, refetch } = useQuery(StudyParticipantsQuery, {
    variables: { slug, ...state, limit: PAGE },
    fetchPolicy: 'cache-and-network',
  });
  const page = data?.studyParticipants;
  const shown = useRef(new Set<string>());
  shown.current = new Set(page?.rows.map((r) => r.id));
  const pending = useRef<ReturnType<typeof setTimeout> | null>(null);
  const reload = useCallback(() => {
    // Bursts of changes (a busy study) reload the page once.
    if (pending.current) return;
    pending.current = setTimeout(() => {
      pending.current = null;
      void refetch();
    }, 300);
  }, [refetch]);
  useEffect(() => () => void (pending.current && clearTimeout(pending.current)), []);
  useParticipantChanges(slug, !!state.filter.includePreviews, (event) => {
    onChange();
    // A row on this page updated itself in the cache; anything else may change which rows the page holds.
    if (event.deleted || !shown.current.has(event.participationId)) reload();
  });

  const update = (next: Partial<TableState>) => setState((s) => ({ ...s, offset: 0, ...next }));
  const total = page?.total ?? 0;
  const from = total ? state.offset + 1 : 0;
  const to = Math.min(state.offset + PAGE, total);

  return (
    <section className="research-card" aria-labelledby="participants-title">
      <h2 id="participants-title">Participants</h2>
      <ParticipantFilters filter={state.filter} conditions={conditions} onFilter={(filter) => update({ filter })} />
      <ErrorNote error={error} />
      <ParticipantsTable
        rows={page?.rows ?? []}
        sort={state.sort}
        direction={state.direction}
        onSort={(sort) =>
          update({ sort, direction: state.sort === sort && state.direction === 'DESC' ? 'ASC' : 'DESC' })
        }
        onOpen={onOpen}
        onDelete={onDelete}
      />
      <nav className="research-paging" aria-label="Participant pages">
        <button
          type="button"
          disabled={state.offset === 0}
          onClick={() => setState((s) => ({ ...s, offset: Math.max(0, s.offset - PAGE) }))}
        >
          Previous
        </button>
        <span role="status" data-testid="participant-count">
          {total ? `${from}–${to} of ${total}` : 'No participants'}
        </span>
        <button
          type="button"
          disabled={to >= total}
          onClick={() => setState((s) => ({ ...s, offset: s.offset + PAGE }))}
        >
          Next
        </button>
      </nav>
    </section>
  );
}
