import { useApolloClient } from '@apollo/client/react';
import { useState } from 'react';
import { graphql } from '../gql';
import { errorMessage } from '../lib/errors';
import { saveFile } from './format';

const StudyExportQuery = graphql(`
  query StudyExport($slug: String!, $format: ExportFormat!) {
    studyExport(slug: $slug, format: $format)
  }
`);

const ProlificReviewQuery = graphql(`
  query ProlificReview($slug: String!) {
    prolificReview(slug: $slug)
  }
`);

type Download = 'CSV' | 'JSONL' | 'REVIEW';

/** The study's data (CSV or JSONL) and the Prolific review list (CSV), fetched fresh and saved as files. */
export function StudyDownloads({ slug }: { slug: string }) {
  const client = useApolloClient();
  const [busy, setBusy] = useState<Download | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  async function download(kind: Download) {
    setBusy(kind);
    setProblem(null);
    try {
      if (kind === 'REVIEW') {
        const { data } = await client.query({
          query: ProlificReviewQuery,
          variables: { slug },
          fetchPolicy: 'no-cache',
        });
        if (data?.prolificReview === undefined) throw new Error('The server sent no data.');
        saveFile(data.prolificReview, `${slug}-prolific-review.csv`, 'text/csv;charset=utf-8');
        return;
      }
      const { data } = await client.query({
        query: StudyExportQuery,
        variables: { slug, format: kind },
        fetchPolicy: 'no-cache',
      });
      if (data?.studyExport === undefined) throw new Error('The server sent no data.');
      if (kind === 'CSV') saveFile(data.studyExport, `${slug}.csv`, 'text/csv;charset=utf-8');
      else saveFile(data.studyExport, `${slug}.jsonl`, 'application/x-ndjson;charset=utf-8');
    } catch (error) {
      setProblem(errorMessage(error));
    } finally {
      setBusy(null);
    }
  }

  const button = (kind: Download, label: string) => (
    <button type="button" onClick={() => void download(kind)} disabled={busy !== null}>
      {busy === kind ? 'Preparing…' : label}
    </button>
  );
  return (
    <div className="research-actions">
      {button('CSV', 'Download CSV')}
      {button('JSONL', 'Download JSONL')}
      {button('REVIEW', 'Prolific review CSV')}
      {problem && (
        <span className="error" role="alert">
          {problem}
        </span>
      )}
    </div>
  );
}
