import { useQuery } from '@apollo/client/react';
import { useEffect } from 'react';
import { graphql } from '../gql';
import { ChartCard, pivot } from './ChartCard';
import { ErrorNote } from './ErrorNote';

const StudyChartsDocument = graphql(`
  query StudyCharts($slug: String!) {
    studyCharts(slug: $slug) {
      arrivals {
        condition
        bucket
        count
      }
      completions {
        condition
        bucket
        count
      }
      minutesToComplete {
        condition
        bucket
        count
      }
      taskMinutes {
        condition
        bucket
        count
      }
      scores {
        condition
        bucket
        count
      }
      attention {
        condition
        participants
        failed
        rate
      }
    }
  }
`);

type Point = { condition: string | null; bucket: string; count: number };
const counts = (points: Point[], label = (b: string) => b) =>
  pivot(points.map((p) => ({ condition: p.condition, bucket: label(p.bucket), value: p.count })));
const hour = (iso: string) => iso.slice(5, 16).replace('T', ' ');

/** The study at a glance; `version` changes with every participant change, so the charts follow live. */
export function ChartsPanel({ slug, version }: { slug: string; version: number }) {
  const { data, error, refetch } = useQuery(StudyChartsDocument, {
    variables: { slug },
    fetchPolicy: 'cache-and-network',
  });
  useEffect(() => {
    if (version) void refetch();
  }, [version, refetch]);
  const c = data?.studyCharts;
  return (
    <section className="research-card" aria-labelledby="charts-title">
      <h2 id="charts-title">Charts</h2>
      <ErrorNote error={error} />
      {c && (
        <div className="charts-grid">
          <ChartCard
            id="arrivals"
            title="Arrivals per hour (UTC)"
            kind="line"
            xLabel="Hour"
            yLabel="arrivals"
            {...counts(c.arrivals, hour)}
          />
          <ChartCard
            id="completions"
            title="Completions per hour (UTC)"
            kind="line"
            xLabel="Hour"
            yLabel="completions"
            {...counts(c.completions, hour)}
          />
          <ChartCard
            id="time"
            title="Minutes from consent to completion"
            kind="bar"
            xLabel="Minutes"
            yLabel="participants"
            {...counts(c.minutesToComplete)}
          />
          <ChartCard
            id="task-time"
            title="Minutes on each task"
            kind="bar"
            xLabel="Minutes"
            yLabel="participants"
            {...counts(c.taskMinutes)}
          />
          <ChartCard
            id="scores"
            title="Scores of completed participants"
            kind="bar"
            xLabel="Score"
            yLabel="participants"
            {...counts(c.scores)}
          />
          <ChartCard
            id="attention"
            title="Attention-check failure rate (%)"
            kind="bar"
            xLabel="Condition"
            yLabel="failure rate %"
            data={c.attention.map((a) => ({ bucket: a.condition ?? 'none', rate: Math.round(a.rate * 1000) / 10 }))}
            series={['rate']}
          />
        </div>
      )}
    </section>
  );
}
