// Row 1's client: `connections` keep-alive connections, each POSTing the same GraphQL body in a loop
// for `seconds`; the same code drives Parley and the bare route.
import http from 'node:http';
import { generator, mark } from '../lib/generator.mjs';

generator(async ({ url, token, query, connections, seconds, maxRequests = 5_000_000 }) => {
  const target = new URL(url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const payload = JSON.stringify({ query });
  const headers = {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(payload),
    ...(token ? { authorization: `Bearer ${token}` } : {}),
  };
  const post = () =>
    new Promise((resolve, reject) => {
      const req = http.request(
        { agent, host: target.hostname, port: target.port, path: target.pathname, method: 'POST', headers },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk) => (text += chunk));
          res.on('end', () => resolve({ status: res.statusCode, text }));
        },
      );
      req.on('error', reject);
      req.end(payload);
    });

  // Each answer is checked, so a fast stream of errors cannot pass for speed.
  const first = await post();
  if (first.status !== 200 || first.text.includes('"errors"'))
    throw new Error(`bad answer: ${first.status} ${first.text}`);
  let done = 0;
  let failed = 0;
  const drive = (ms) => {
    const stopAt = Date.now() + ms;
    return Promise.all(
      Array.from({ length: connections }, async () => {
        while (Date.now() < stopAt && done + failed < maxRequests) {
          const res = await post().catch(() => ({ status: 0, text: '' }));
          if (res.status === 200 && !res.text.includes('"errors"')) done++;
          else failed++;
        }
      }),
    );
  };
  await drive(Math.min(1000, seconds * 500)); // warm-up: connections open, code hot
  done = 0;
  failed = 0;
  await mark('start');
  const started = process.hrtime.bigint();
  await drive(seconds * 1000);
  await mark('end');
  const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
  agent.destroy();
  return { requests: done, failed, seconds: elapsed, perSecond: done / elapsed };
});
