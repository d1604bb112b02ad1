// Second baseline of row 1: Apollo Server 5 alone on node:http (the way Parley serves POST /graphql),
// answering `{ me { id username } }` from a constant: what the stack costs before any of Parley's work
// (authentication, the session check, logs, metrics, security headers).
import { createServer } from 'node:http';
import { ApolloServer, HeaderMap } from '@apollo/server';

const typeDefs = 'type User { id: ID! username: String! } type Query { me: User }';
const me = { id: 'cm0000000000000000000000', username: 'bench_user' };
const apollo = new ApolloServer({ typeDefs, resolvers: { Query: { me: () => me } }, csrfPrevention: true });
await apollo.start();

const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', async () => {
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) if (typeof value === 'string') headers.set(key, value);
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
    const response = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: 'POST', headers, search: '', body },
      context: async () => ({}),
    });
    for (const [key, value] of response.headers) res.setHeader(key, value);
    res.statusCode = response.status ?? 200;
    res.end(response.body.kind === 'complete' ? response.body.string : '');
  });
});
server.keepAliveTimeout = 65_000;
server.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => console.log(`listening on ${server.address().port}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
