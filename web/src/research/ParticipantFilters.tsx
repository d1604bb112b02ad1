import { useEffect, useState } from 'react';
import type { ParticipantFilter, ParticipationStatus } from '../gql/graphql';
import { STATUS_NAMES, STATUSES } from './format';

/** Status, condition, failed checks, previews and a search by participant id (sent after a short pause). */
export function ParticipantFilters({
  filter,
  conditions,
  onFilter,
}: {
  filter: ParticipantFilter;
  conditions: string[];
  onFilter: (filter: ParticipantFilter) => void;
}) {
  const [search, setSearch] = useState(filter.search ?? '');
  useEffect(() => {
    if ((filter.search ?? '') === search) return;
    const timer = setTimeout(() => onFilter({ ...filter, search: search || null }), 300);
    return () => clearTimeout(timer);
  }, [search, filter, onFilter]);
  const status = filter.statuses?.[0] ?? '';

  return (
    <fieldset className="research-filters">
      <legend className="visually-hidden">Filter participants</legend>
      <label>
        Search by id
        <input type="search" value={search} maxLength={128} onChange={(e) => setSearch(e.target.value)} />
      </label>
      <label>
        Status
        <select
          value={status}
          onChange={(e) =>
            onFilter({ ...filter, statuses: e.target.value ? [e.target.value as ParticipationStatus] : null })
          }
        >
          <option value="">Any</option>
          {STATUSES.map((s) => (
            <option key={s} value={s}>
              {STATUS_NAMES[s]}
            </option>
          ))}
        </select>
      </label>
      <label>
        Condition
        <select
          value={filter.condition ?? ''}
          onChange={(e) => onFilter({ ...filter, condition: e.target.value || null })}
        >
          <option value="">Any</option>
          {conditions.map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </select>
      </label>
      <label className="research-check">
        <input
          type="checkbox"
          checked={!!filter.failedChecks}
          onChange={(e) => onFilter({ ...filter, failedChecks: e.target.checked || null })}
        />
        Failed attention checks
      </label>
      <label className="research-check">
        <input
          type="checkbox"
          checked={!!filter.includePreviews}
          onChange={(e) => onFilter({ ...filter, includePreviews: e.target.checked || null })}
        />
        Show previews
      </label>
    </fieldset>
  );
}
