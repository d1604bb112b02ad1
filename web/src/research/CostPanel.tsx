import { useQuery } from '@apollo/client/react';
import { useEffect } from 'react';
import { graphql } from '../gql';
import { ErrorNote } from './ErrorNote';
import { formatUsd } from './format';

const StudyUsageDocument = graphql(`
  query StudyUsage($slug: String!) {
    studyUsage(slug: $slug) {
      total {
        calls
        promptTokens
        completionTokens
        costUsd
        unpricedCalls
      }
      byCondition {
        key
        calls
        promptTokens
        completionTokens
        costUsd
        unpricedCalls
      }
      tokenBudget
      budgetSpent
      budgetExhausted
    }
  }
`);

/** Tokens and cost of the study's model calls (previews left out), by condition, and its token budget. */
export function CostPanel({ slug, version }: { slug: string; version: number }) {
  const { data, error, refetch } = useQuery(StudyUsageDocument, {
    variables: { slug },
    fetchPolicy: 'cache-and-network',
  });
  useEffect(() => {
    if (version) void refetch();
  }, [version, refetch]);
  const u = data?.studyUsage;
  return (
    <section className="research-card" aria-labelledby="cost-title">
      <h2 id="cost-title">Model usage and cost</h2>
      <ErrorNote error={error} />
      {u && (
        <>
          <p data-testid="study-cost">
            <strong>{formatUsd(u.total.costUsd)}</strong> for {u.total.calls} model calls · {u.total.promptTokens}{' '}
            prompt + {u.total.completionTokens} completion tokens
            {u.total.unpricedCalls > 0 && ` · ${u.total.unpricedCalls} calls of models without a price`}
          </p>
          {u.tokenBudget !== null && (
            <p className={u.budgetExhausted ? 'error' : ''} role={u.budgetExhausted ? 'alert' : undefined}>
              Token budget: {u.budgetSpent} of {u.tokenBudget} used.
              {u.budgetExhausted && ' The budget is spent: participants cannot start new chats.'}
            </p>
          )}
          {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be reachable by keyboard. */}
          <section className="table-scroll" aria-label="Cost by condition" tabIndex={0}>
            <table>
              <thead>
                <tr>
                  <th scope="col">Condition</th>
                  <th scope="col">Calls</th>
                  <th scope="col">Prompt tokens</th>
                  <th scope="col">Completion tokens</th>
                  <th scope="col">Cost</th>
                </tr>
              </thead>
              <tbody>
                {u.byCondition.map((c) => (
                  <tr key={c.key ?? 'none'}>
                    <th scope="row">{c.key ?? '–'}</th>
                    <td>{c.calls}</td>
                    <td>{c.promptTokens}</td>
                    <td>{c.completionTokens}</td>
                    <td>{formatUsd(c.costUsd)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        </>
      )}
    </section>
  );
}
