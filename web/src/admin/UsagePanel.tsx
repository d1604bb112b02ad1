import { useQuery } from '@apollo/client/react';
import { useState } from 'react';
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { graphql } from '../gql';
import { ErrorNote } from '../research/ErrorNote';
import { formatUsd } from '../research/format';
import './admin-usage.css';

const UsageReportQuery = graphql(`
  query UsageReport($days: Int!) {
    usageReport(days: $days) {
      day
      username
      bot
      studySlug
      model
      calls
      promptTokens
      completionTokens
      costUsd
    }
  }
`);

/** ADMIN: model calls, tokens and cost per day, user, bot, study and model, with the daily cost as a chart. */
export function UsagePanel() {
  const [days, setDays] = useState(30);
  const { data, error } = useQuery(UsageReportQuery, { variables: { days }, fetchPolicy: 'cache-and-network' });
  const rows = data?.usageReport ?? [];
  const perDay = new Map<string, { day: string; cost: number; tokens: number }>();
  for (const r of rows) {
    const d = perDay.get(r.day) ?? { day: r.day, cost: 0, tokens: 0 };
    d.cost += r.costUsd ?? 0;
    d.tokens += r.promptTokens + r.completionTokens;
    perDay.set(r.day, d);
  }
  const chart = [...perDay.values()].sort((a, b) => a.day.localeCompare(b.day));
  return (
    <section className="admin" aria-labelledby="usage-title">
      <header className="pane-header">
        <h2 id="usage-title">Admin: model usage and cost</h2>
        <label>
          Days{' '}
          <select value={days} onChange={(e) => setDays(Number(e.target.value))}>
            {[7, 30, 90, 366].map((d) => (
              <option key={d} value={d}>
                {d}
              </option>
            ))}
          </select>
        </label>
      </header>
      <ErrorNote error={error} />
      {data && rows.length === 0 && <p className="muted">No model calls in these days.</p>}
      {chart.length > 0 && (
        <figure data-testid="usage-chart">
          <figcaption>Cost per day (USD)</figcaption>
          <div role="img" aria-label="Cost per day: chart; the numbers are in the table below.">
            <ResponsiveContainer width="100%" height={200}>
              <BarChart data={chart}>
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis dataKey="day" tick={{ fontSize: 11 }} />
                <YAxis tick={{ fontSize: 11 }} width={60} />
                <Tooltip />
                <Bar dataKey="cost" fill="#1f5fbf" isAnimationActive={false} />
              </BarChart>
            </ResponsiveContainer>
          </div>
        </figure>
      )}
      {rows.length > 0 && (
        // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be reachable by keyboard.
        <section className="table-scroll usage-scroll" aria-label="Usage by day, user, bot and model" tabIndex={0}>
          <table className="usage-table">
            <thead>
              <tr>
                <th scope="col">Day</th>
                <th scope="col">User or study</th>
                <th scope="col">Bot</th>
                <th scope="col">Model</th>
                <th scope="col">Calls</th>
                <th scope="col">Tokens (prompt + completion)</th>
                <th scope="col">Cost</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={`${r.day}|${r.username}|${r.bot}|${r.studySlug}|${r.model}`}>
                  <th scope="row">{r.day}</th>
                  <td>{r.username ?? (r.studySlug ? `study ${r.studySlug}` : '–')}</td>
                  <td>{r.bot ?? '–'}</td>
                  <td>{r.model}</td>
                  <td>{r.calls}</td>
                  <td>
                    {r.promptTokens} + {r.completionTokens}
                  </td>
                  <td>{formatUsd(r.costUsd)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
    </section>
  );
}
