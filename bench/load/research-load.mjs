// Row 6's client: a researcher paging the participants table of a 10,000-participant study (five kinds of page:
// first, middle, last, filtered and sorted, searched), one request at a time, interleaved with the baseline
// `{ me { id } }` on the same keep-alive connection, so both meet the same machine at the same moment.
import http from 'node:http';
import { generator } from '../lib/generator.mjs';
import { percentile } from '../lib/stats.mjs';

const ROW =
  'id participantId condition status currentTask taskCount startedAt completedAt score attentionFailures turns tokens';
const PAGE = `query($slug: String!, $filter: ParticipantFilter, $sort: ParticipantSort, $direction: SortDirection, $offset: Int, $limit: Int) {
  studyParticipants(slug: $slug, filter: $filter, sort: $sort, direction: $direction, offset: $offset, limit: $limit) {
    total rows { ${ROW} }
  }
}`;
const ME = '{ me { id } }';

const pages = (size) => [
  { slug: 'big', limit: 50 },
  { slug: 'big', offset: size / 2, limit: 50, sort: 'PARTICIPANT_ID', direction: 'ASC' },
  { slug: 'big', offset: size - 50, limit: 50 },
  { slug: 'big', limit: 50, filter: { statuses: ['COMPLETED', 'RETURNED'], failedChecks: true }, sort: 'SCORE' },
  { slug: 'big', limit: 50, filter: { search: 'abc' }, sort: 'COMPLETED_AT' },
];

generator(async ({ url, token, size, repeats }) => {
  const target = new URL(`${url}/graphql`);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const post = (query, variables) =>
    new Promise((resolve, reject) => {
      const payload = JSON.stringify({ query, variables });
      const started = performance.now();
      const req = http.request(
        {
          agent,
          host: target.hostname,
          port: target.port,
          path: target.pathname,
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(payload),
            authorization: `Bearer ${token}`,
          },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk) => (text += chunk));
          res.on('end', () => {
            const ms = performance.now() - started;
            // Each answer is checked: an error is a failure, not speed.
            const body = JSON.parse(text);
            if (res.statusCode !== 200 || body.errors)
              reject(new Error(`bad answer: ${res.statusCode} ${text.slice(0, 300)}`));
            else resolve({ ms, body });
          });
        },
      );
      req.on('error', reject);
      req.end(payload);
    });

  const kinds = pages(size);
  const first = await post(PAGE, kinds[0]);
  if (first.body.data.studyParticipants.total !== size)
    throw new Error(`the study holds ${first.body.data.studyParticipants.total} rows, not ${size}`);
  const byKind = kinds.map(() => []);
  const baseline = [];
  for (let round = 0; round < repeats; round++) {
    for (const [i, variables] of kinds.entries()) {
      baseline.push((await post(ME)).ms);
      byKind[i].push((await post(PAGE, variables)).ms);
    }
  }
  agent.destroy();
  const medians = byKind.map((times) => percentile(times, 50));
  return {
    pages: byKind.flat().length,
    p50: percentile(byKind.flat(), 50),
    slowestKindP50: Math.max(...medians),
    kindP50s: medians,
    baselineP50: percentile(baseline, 50),
  };
});
