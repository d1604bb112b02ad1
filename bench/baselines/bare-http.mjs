// Baseline of row 1: a bare node:http route answering what `{ me { id username } }` answers, as JSON.
import { createServer } from 'node:http';

const body = JSON.stringify({ data: { me: { id: 'cm0000000000000000000000', username: 'bench_user' } } });
const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}'); // read the request as a server would
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
});
server.keepAliveTimeout = 65_000;
server.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => console.log(`listening on ${server.address().port}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
