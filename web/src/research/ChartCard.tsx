import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';

/** Colours that keep 4.5:1 against the white card. */
const COLOURS = ['#1f5fbf', '#b3261e', '#1b7f3b', '#7a4bb7', '#8a5a00', '#00727a'];

export interface Pivot {
  bucket: string;
  [series: string]: string | number;
}

/** One chart with its numbers a click away (a <details> table under it). */
export function ChartCard({
  id,
  title,
  kind,
  data,
  series,
  xLabel,
  yLabel,
}: {
  id: string;
  title: string;
  kind: 'line' | 'bar';
  data: Pivot[];
  series: string[];
  xLabel: string;
  yLabel: string;
}) {
  const Chart = kind === 'line' ? LineChart : BarChart;
  return (
    <figure className="chart-card" aria-labelledby={`${id}-title`} data-testid={`chart-${id}`}>
      <figcaption id={`${id}-title`}>{title}</figcaption>
      {data.length === 0 ? (
        <p className="muted small">No data yet.</p>
      ) : (
        <div className="chart-box" role="img" aria-label={`${title}: chart; the numbers are in the table below.`}>
          <ResponsiveContainer width="100%" height={220}>
            <Chart data={data} margin={{ top: 8, right: 8, bottom: 8, left: 0 }}>
              <CartesianGrid strokeDasharray="3 3" />
              <XAxis dataKey="bucket" tick={{ fontSize: 11 }} />
              <YAxis allowDecimals={kind === 'bar' && yLabel.includes('rate')} tick={{ fontSize: 11 }} width={40} />
              <Tooltip />
              <Legend />
              {series.map((s, i) =>
                kind === 'line' ? (
                  <Line
                    key={s}
                    type="monotone"
                    dataKey={s}
                    stroke={COLOURS[i % COLOURS.length]}
                    isAnimationActive={false}
                  />
                ) : (
                  <Bar key={s} dataKey={s} fill={COLOURS[i % COLOURS.length]} isAnimationActive={false} />
                ),
              )}
            </Chart>
          </ResponsiveContainer>
        </div>
      )}
      <details>
        <summary>Numbers of “{title}”</summary>
        <div className="table-scroll">
          <table>
            <thead>
              <tr>
                <th scope="col">{xLabel}</th>
                {series.map((s) => (
                  <th key={s} scope="col">
                    {s} ({yLabel})
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {data.map((row) => (
                <tr key={row.bucket}>
                  <th scope="row">{row.bucket}</th>
                  {series.map((s) => (
                    <td key={s}>{row[s] ?? 0}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}

/** Rows of (condition, bucket, value) as one row per bucket with a column per condition. */
export function pivot(points: { condition: string | null; bucket: string; value: number }[]): {
  data: Pivot[];
  series: string[];
} {
  const series = [...new Set(points.map((p) => p.condition ?? 'none'))];
  const rows = new Map<string, Pivot>();
  for (const p of points) {
    const row = rows.get(p.bucket) ?? { bucket: p.bucket };
    row[p.condition ?? 'none'] = p.value;
    rows.set(p.bucket, row);
  }
  return { data: [...rows.values()], series };
}
