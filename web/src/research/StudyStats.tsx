import { formatDuration } from './format';
import { StudyDownloads } from './StudyDownloads';
import type { Study } from './study-summary';

/** A study's arrivals and participants by condition and outcome (previews left out), with an "All" row. */
export function StudyStats({ study }: { study: Study }) {
  const titleId = `study-${study.slug}`;
  const total = study.conditions.reduce(
    (sum, c) => ({
      started: sum.started + c.started,
      completed: sum.completed + c.completed,
      returned: sum.returned + c.returned,
      timedOut: sum.timedOut + c.timedOut,
      screenedOut: sum.screenedOut + c.screenedOut,
    }),
    { started: 0, completed: 0, returned: 0, timedOut: 0, screenedOut: 0 },
  );

  return (
    <section className="research-card" aria-labelledby={titleId}>
      <header className="research-study-header">
        <h2 id={titleId}>
          {study.title} <span className="muted small">({study.slug})</span>
        </h2>
        <a className="small" href={`/study/${encodeURIComponent(study.slug)}`} target="_blank" rel="noopener">
          Open the participant page
        </a>
      </header>
      <p className="small" data-testid="arrivals">
        Opened the link without deciding yet: <strong>{study.opened}</strong> · Did not agree to take part:{' '}
        <strong>{study.declined}</strong> · Agreed (started): <strong>{total.started}</strong>
      </p>
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be reachable by keyboard. */}
      <section className="table-scroll" aria-label={`Participants of ${study.title} by condition`} tabIndex={0}>
        <table>
          <caption className="visually-hidden">
            Participants of {study.title} who agreed to take part, by condition
          </caption>
          <thead>
            <tr>
              <th scope="col">Condition</th>
              <th scope="col">Started</th>
              <th scope="col">Completed</th>
              <th scope="col">Returned</th>
              <th scope="col">Timed out</th>
              <th scope="col">Screened out</th>
              <th scope="col">Median time</th>
            </tr>
          </thead>
          <tbody>
            {study.conditions.map((c) => (
              <tr key={c.condition}>
                <th scope="row">{c.condition}</th>
                <td>{c.started}</td>
                <td>{c.completed}</td>
                <td>{c.returned}</td>
                <td>{c.timedOut}</td>
                <td>{c.screenedOut}</td>
                <td>{formatDuration(c.medianSeconds)}</td>
              </tr>
            ))}
          </tbody>
          {study.conditions.length > 1 && (
            <tfoot>
              <tr>
                <th scope="row">All</th>
                <td>{total.started}</td>
                <td>{total.completed}</td>
                <td>{total.returned}</td>
                <td>{total.timedOut}</td>
                <td>{total.screenedOut}</td>
                <td>{formatDuration(study.medianSeconds)}</td>
              </tr>
            </tfoot>
          )}
        </table>
      </section>
      <StudyDownloads slug={study.slug} />
    </section>
  );
}
