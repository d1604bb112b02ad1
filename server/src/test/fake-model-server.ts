import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A small OpenAI-compatible server for tests and the e2e run: the real `openai` client talks to it over
 * loopback. The last user message steers it:
 *   [status:429]      always answer that status          [fail:2:500]  fail twice with 500, then answer
 *   [delay:40]        wait 40 ms between streamed tokens  [tokens:30]   answer 30 tokens instead of an echo
 *   [hang]            never answer                     [stall:3]     stream 3 tokens, then go quiet
 * Otherwise it answers "Echo: <message>" (plus what images it saw), one word per chunk.
 */
export interface FakeModelServer {
  url: string;
  /** Base URL for OPENAI_BASE_URL. */
  baseUrl: string;
  requests: { model: string; max_tokens?: number; messages: { role: string; content: unknown }[]; stream?: boolean }[];
  /** Every health check received (the model list, or `/health` for http bots), with the key it carried. */
  healthChecks: { path: string; authorization?: string }[];
  setHealthy(healthy: boolean): void;
  /** Streams the caller hung up on before their end (a canceled job stops its model call). */
  abandoned(): number;
  close(): Promise<void>;
}

interface ChatBody {
  model: string;
  max_tokens?: number;
  stream?: boolean;
  messages: { role: string; content: string | { type: string; text?: string; image_url?: { url: string } }[] }[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
}

function textOf(content: ChatBody['messages'][number]['content']): { text: string; images: string[] } {
  if (typeof content === 'string') return { text: content, images: [] };
  return {
    text: content.map((part) => part.text ?? '').join(''),
    images: content.filter((part) => part.type === 'image_url').map((part) => part.image_url?.url ?? ''),
  };
}

function replyFor(body: ChatBody, directive: string): string[] {
  const tokens = /\[tokens:(\d+)\]/.exec(directive);
  if (tokens) return Array.from({ length: Number(tokens[1]) }, (_, i) => `t${i + 1} `);
  const last = [...body.messages].reverse().find((m) => m.role === 'user');
  const { text, images } = last ? textOf(last.content) : { text: '', images: [] };
  const system = body.messages.find((m) => m.role === 'system');
  let reply = `Echo: ${text.replace(/\[[^\]]*\]/g, '').trim()}`;
  if (images.length)
    reply += ` [images: ${images.length} ${images.map((url) => url.slice(5, url.indexOf(';'))).join(' ')}]`;
  if (system) reply += ` [system: ${textOf(system.content).text.slice(0, 40)}]`;
  reply += ` [turns: ${body.messages.length}]`;
  return reply.split(/(?<= )/);
}

function error(res: ServerResponse, status: number) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ error: { message: `fake failure ${status}`, type: 'fake', code: String(status) } }));
}

export async function startFakeModelServer(port = 0): Promise<FakeModelServer> {
  const requests: FakeModelServer['requests'] = [];
  const failures = new Map<string, number>();
  const healthChecks: FakeModelServer['healthChecks'] = [];
  let healthy = true;
  let abandoned = 0;

  const server = createServer(async (req, res) => {
    try {
      if (req.method === 'GET' && (req.url?.endsWith('/models') || req.url === '/health')) {
        healthChecks.push({ path: req.url, authorization: req.headers.authorization });
        if (!healthy) return error(res, 503);
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end(
          JSON.stringify({ object: 'list', data: [{ id: 'test-model', object: 'model', owned_by: 'test' }] }),
        );
      }
      if (req.method === 'GET' && req.url === '/requests') {
        // For e2e tests in another process: exactly what the model was sent, in order.
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end(JSON.stringify(requests));
      }
      if (req.method === 'POST' && req.url === '/bot') {
        const body = (await readJson(req)) as { message: string; conversation: unknown[] };
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end(JSON.stringify({ reply: `Bot heard: ${body.message} (${body.conversation.length} turns)` }));
      }
      if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) return error(res, 404);
      const body = (await readJson(req)) as ChatBody;
      requests.push(body as FakeModelServer['requests'][number]);
      const last = [...body.messages].reverse().find((m) => m.role === 'user');
      const directive = last ? textOf(last.content).text : '';
      if (directive.includes('[hang]')) return;
      const status = /\[status:(\d+)\]/.exec(directive);
      if (status) return error(res, Number(status[1]));
      const fail = /\[fail:(\d+):(\d+)\]/.exec(directive);
      if (fail) {
        const seen = failures.get(directive) ?? 0;
        failures.set(directive, seen + 1);
        if (seen < Number(fail[1])) return error(res, Number(fail[2]));
      }
      const delay = Number(/\[delay:(\d+)\]/.exec(directive)?.[1] ?? 0);
      const tokens = replyFor(body, directive);
      const usage = {
        prompt_tokens: body.messages.length * 10,
        completion_tokens: tokens.length,
        total_tokens: body.messages.length * 10 + tokens.length,
      };
      const id = `chatcmpl-${Date.now()}`;
      if (!body.stream) {
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end(
          JSON.stringify({
            id,
            object: 'chat.completion',
            created: Math.floor(Date.now() / 1000),
            model: body.model,
            choices: [{ index: 0, message: { role: 'assistant', content: tokens.join('') }, finish_reason: 'stop' }],
            usage,
          }),
        );
      }
      res.writeHead(200, {
        'content-type': 'text/event-stream',
        'cache-control': 'no-cache',
        connection: 'keep-alive',
      });
      const chunk = (choices: unknown[], extra: object = {}) =>
        `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created: Math.floor(Date.now() / 1000), model: body.model, choices, ...extra })}\n\n`;
      res.write(chunk([{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }]));
      const stallAfter = Number(/\[stall:(\d+)\]/.exec(directive)?.[1] ?? Number.POSITIVE_INFINITY);
      for (const [i, token] of tokens.entries()) {
        if (i >= stallAfter) return; // the connection stays open, silent
        if (delay) await sleep(delay);
        if (res.destroyed) {
          abandoned++;
          return;
        }
        res.write(chunk([{ index: 0, delta: { content: token }, finish_reason: null }]));
      }
      res.write(chunk([{ index: 0, delta: {}, finish_reason: 'stop' }]));
      res.write(chunk([], { usage }));
      res.end('data: [DONE]\n\n');
    } catch (err) {
      if (!res.headersSent) error(res, 500);
      else res.destroy(err as Error);
    }
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    baseUrl: `${url}/v1`,
    requests,
    healthChecks,
    setHealthy: (value) => {
      healthy = value;
    },
    abandoned: () => abandoned,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

// `node server/dist/test/fake-model-server.js [port]`: for the e2e run and for trying bots by hand.
if (require.main === module) {
  startFakeModelServer(Number(process.argv[2] ?? 4101)).then((fake) =>
    console.log(`fake model server at ${fake.baseUrl}`),
  );
}
