import type { IncomingMessage, ServerResponse } from 'node:http';
import { type ApolloServer, HeaderMap } from '@apollo/server';
import type { Context } from '../context';
import type { Logger } from '../logger';
import { requestIdFrom } from '../metrics/request-id';

type Middleware = (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void;

export interface GraphqlRouteOptions {
  apollo: ApolloServer<Context>;
  /** The same CORS policy as every other route. */
  before: Middleware[];
  /** Headers of every answer (the API's security headers). */
  headers: Record<string, string>;
  maxBytes: number;
  context: (req: IncomingMessage, requestId: string) => Promise<Context>;
  log: Logger;
}

/** Plain JSON only: other types, charsets and content encodings take express's full body parser. */
const PLAIN_JSON = /^application\/json\s*(;\s*charset=utf-8\s*)?$/i;

const errorBody = (message: string, code: string) => JSON.stringify({ errors: [{ message, extensions: { code } }] });

/**
 * `POST /graphql` straight from node:http to Apollo, without express: its router, body parser and
 * ETag hashing cost about 100 µs per request, more than Apollo and the resolver together (README,
 * Performance). Returns false for anything it does not serve, which then goes through express.
 */
export function graphqlRoute({ apollo, before, headers: always, maxBytes, context, log }: GraphqlRouteOptions) {
  // Every header in one writeHead: set one by one, each is validated twice (when set and when written).
  const answer = (res: ServerResponse, status: number, headers: Record<string, string | number>, body: string) => {
    res.writeHead(status, { ...always, ...headers, 'content-length': Buffer.byteLength(body) });
    res.end(body);
  };
  const jsonError = (res: ServerResponse, status: number, message: string, code: string, requestId?: string) =>
    answer(
      res,
      status,
      { 'content-type': 'application/json; charset=utf-8', ...(requestId ? { 'x-request-id': requestId } : {}) },
      errorBody(message, code),
    );

  const readBody = (req: IncomingMessage, res: ServerResponse, requestId: string, done: (text: string) => void) => {
    const declared = Number(req.headers['content-length']);
    if (declared > maxBytes) {
      req.resume();
      return jsonError(res, 413, 'The request is too large.', 'PAYLOAD_TOO_LARGE', requestId);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes && !refused) {
        refused = true;
        jsonError(res, 413, 'The request is too large.', 'PAYLOAD_TOO_LARGE', requestId);
      }
      if (!refused) chunks.push(chunk);
    });
    req.on('end', () => {
      if (!refused) done(chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', () => res.destroy());
  };

  const execute = async (
    req: IncomingMessage,
    res: ServerResponse,
    body: unknown,
    search: string,
    requestId: string,
  ) => {
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    const response = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: 'POST', headers, search, body },
      context: () => context(req, requestId),
    });
    const own: Record<string, string> = { 'x-request-id': requestId };
    for (const [key, value] of response.headers) own[key] = value;
    if (response.body.kind === 'complete') return answer(res, response.status ?? 200, own, response.body.string);
    res.writeHead(response.status ?? 200, { ...always, ...own });
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
  };

  const serve = (req: IncomingMessage, res: ServerResponse, search: string) => {
    const requestId = requestIdFrom(req.headers['x-request-id']);
    readBody(req, res, requestId, (text) => {
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        return jsonError(res, 400, 'The request body is not valid JSON.', 'BAD_REQUEST', requestId);
      }
      execute(req, res, body, search, requestId).catch((error: unknown) => {
        log.error({ err: error }, 'unexpected error in the GraphQL route');
        if (res.headersSent) return void res.destroy();
        jsonError(res, 500, 'Internal server error.', 'INTERNAL_SERVER_ERROR', requestId);
      });
    });
  };

  return (req: IncomingMessage, res: ServerResponse): boolean => {
    const url = req.url ?? '';
    const query = url.indexOf('?');
    const pathname = query < 0 ? url : url.slice(0, query);
    if (req.method !== 'POST' || pathname !== '/graphql') return false;
    if (req.headers['content-encoding'] || !PLAIN_JSON.test(req.headers['content-type'] ?? '')) return false;
    let step = 0;
    const next = (error?: unknown) => {
      if (error) {
        log.error({ err: error }, 'unexpected error before the GraphQL route');
        return jsonError(res, 500, 'Internal server error.', 'INTERNAL_SERVER_ERROR');
      }
      const middleware = before[step++];
      if (middleware) middleware(req, res, next);
      else serve(req, res, query < 0 ? '' : url.slice(query));
    };
    next();
    return true;
  };
}
