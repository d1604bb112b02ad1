import { useApolloClient, useQuery } from '@apollo/client/react';
import { type ReactNode, useState } from 'react';
import { AccountControls } from '../auth/AccountControls';
import { graphql } from '../gql';
import type { ExportFormat, ResearchStudiesQuery } from '../gql/graphql';
import { errorMessage } from '../lib/errors';
import './research.css';

const ResearchMeQuery = graphql(`
  query ResearchMe {
    me {
      id
      username
      role
    }
  }
`);

const ResearchStudiesQueryDocument = graphql(`
  query ResearchStudies {
    studies {
      slug
      title
      opened
      declined
      conditions {
        condition
        started
        completed
        returned
        timedOut
        screenedOut
        medianSeconds
      }
    }
  }
`);

const StudyExportQuery = graphql(`
  query StudyExport($slug: String!, $format: ExportFormat!) {
    studyExport(slug: $slug, format: $format)
  }
`);

type Study = ResearchStudiesQuery['studies'][number];

export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return '–';
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  const rest = seconds % 60;
  if (minutes < 60) return rest ? `${minutes} min ${rest} s` : `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  return `${hours} h ${minutes % 60} min`;
}

/** Saves text as a file through a Blob link. */
function saveFile(text: string, filename: string, type: string) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.style.display = 'none';
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * /research: for users with the RESEARCHER role, each study's arrivals (who only opened the link, who
 * declined), its participants by condition (started, completed, returned, timed out, screened out, median
 * time) and its data as CSV or JSONL.
 */
export function ResearchPage() {
  const { data, error, refetch } = useQuery(ResearchMeQuery);
  const me = data?.me;

  let body: ReactNode;
  if (!me) {
    body = error ? (
      <div role="alert">
        <p>Could not load your account: {errorMessage(error)}</p>
        <button type="button" onClick={() => void refetch()}>
          Try again
        </button>
      </div>
    ) : (
      <p className="muted">Loading…</p>
    );
  } else if (me.role !== 'RESEARCHER') {
    body = (
      <section className="research-card" role="alert">
        <h1>Researchers only</h1>
        <p>
          This page is for researchers, and your account <strong>{me.username}</strong> does not have the researcher
          role. Please ask the person who runs this Parley to give your account researcher access.
        </p>
        <p>
          <a href="/">Back to the chat</a>
        </p>
      </section>
    );
  } else {
    body = <Studies />;
  }

  return (
    <div className="app research-app">
      <header className="topbar">
        <span className="brand">
          <span className="logo" aria-hidden="true">
            ◆
          </span>{' '}
          Parley <span className="muted">Research</span>
        </span>
        <a href="/">Chat</a>
        <span className="spacer" />
        <AccountControls username={me?.username} />
      </header>
      <main className="research-main">{body}</main>
    </div>
  );
}

function Studies() {
  const { data, loading, error, refetch } = useQuery(ResearchStudiesQueryDocument, {
    fetchPolicy: 'cache-and-network',
  });
  const studies = data?.studies ?? [];
  return (
    <>
      <div className="research-title">
        <h1>Studies</h1>
        <button type="button" onClick={() => void refetch()} disabled={loading}>
          Refresh
        </button>
      </div>
      {loading && !data && <p className="muted">Loading…</p>}
      {error && (
        <p className="error" role="alert">
          {errorMessage(error)}
        </p>
      )}
      {data && studies.length === 0 && (
        <p className="muted">There are no studies yet: add a YAML or JSON file to the studies folder.</p>
      )}
      {studies.map((study) => (
        <StudyStats key={study.slug} study={study} />
      ))}
    </>
  );
}

function StudyStats({ study }: { study: Study }) {
  const client = useApolloClient();
  const [busy, setBusy] = useState<ExportFormat | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
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

  const download = async (format: ExportFormat) => {
    setBusy(format);
    setProblem(null);
    try {
      const { data } = await client.query({
        query: StudyExportQuery,
        variables: { slug: study.slug, format },
        fetchPolicy: 'no-cache',
      });
      if (data?.studyExport === undefined) throw new Error('The server sent no data.');
      if (format === 'CSV') saveFile(data.studyExport, `${study.slug}.csv`, 'text/csv;charset=utf-8');
      else saveFile(data.studyExport, `${study.slug}.jsonl`, 'application/x-ndjson;charset=utf-8');
    } catch (error) {
      setProblem(errorMessage(error));
    } finally {
      setBusy(null);
    }
  };

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
      <div className="table-scroll">
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
                <td />
              </tr>
            </tfoot>
          )}
        </table>
      </div>
      <div className="research-actions">
        <button type="button" onClick={() => void download('CSV')} disabled={busy !== null}>
          {busy === 'CSV' ? 'Preparing…' : 'Download CSV'}
        </button>
        <button type="button" onClick={() => void download('JSONL')} disabled={busy !== null}>
          {busy === 'JSONL' ? 'Preparing…' : 'Download JSONL'}
        </button>
        {problem && (
          <span className="error" role="alert">
            {problem}
          </span>
        )}
      </div>
    </section>
  );
}
