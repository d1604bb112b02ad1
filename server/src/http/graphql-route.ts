import type { IncomingMessage, ServerResponse } from 'node:http';
import { type ApolloServer, HeaderMap } from '@apollo/server';
import type { Context } from '../context';
import type { Logger } from '../logger';
import { requestIdFrom, runWithRequestId } from '../metrics/request-id';

type Middleware = (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void;

export interface GraphqlRouteOptions {
  apollo: ApolloServer<Context>;
  /** The same security headers and CORS policy as every other route. */
  before: Middleware[];
  maxBytes: number;
  context: (req: IncomingMessage) => Promise<Context>;
  log: Logger;
}

/** Plain JSON only: other types, charsets and content encodings take express's full body parser. */
const PLAIN_JSON = /^application\/json\s*(;\s*charset=utf-8\s*)?$/i;

const jsonError = (res: ServerResponse, status: number, message: string, code: string) => {
  const body = JSON.stringify({ errors: [{ message, extensions: { code } }] });
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
};

/**
 * `POST /graphql` straight from node:http to Apollo, without express: its router, body parser and
 * ETag hashing cost about 100 µs per request, more than Apollo and the resolver together (README,
 * Performance). Returns false for anything it does not serve, which then goes through express.
 */
export function graphqlRoute({ apollo, before, maxBytes, context, log }: GraphqlRouteOptions) {
  const readBody = (req: IncomingMessage, res: ServerResponse, done: (text: string) => void) => {
    const declared = Number(req.headers['content-length']);
    if (declared > maxBytes) {
      req.resume();
      return jsonError(res, 413, 'The request is too large.', 'PAYLOAD_TOO_LARGE');
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes && !refused) {
        refused = true;
        jsonError(res, 413, 'The request is too large.', 'PAYLOAD_TOO_LARGE');
      }
      if (!refused) chunks.push(chunk);
    });
    req.on('end', () => {
      if (!refused) done(chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', () => res.destroy());
  };

  const execute = async (req: IncomingMessage, res: ServerResponse, body: unknown, search: string) => {
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    const response = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: 'POST', headers, search, body },
      context: () => context(req),
    });
    for (const [key, value] of response.headers) res.setHeader(key, value);
    res.statusCode = response.status ?? 200;
    if (response.body.kind === 'complete') {
      res.setHeader('content-length', Buffer.byteLength(response.body.string));
      res.end(response.body.string);
      return;
    }
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
  };

  const serve = (req: IncomingMessage, res: ServerResponse, search: string) => {
    const requestId = requestIdFrom(req.headers['x-request-id']);
    res.setHeader('X-Request-Id', requestId);
    readBody(req, res, (text) => {
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        return jsonError(res, 400, 'The request body is not valid JSON.', 'BAD_REQUEST');
      }
      runWithRequestId(requestId, () => execute(req, res, body, search)).catch((error: unknown) => {
        log.error({ err: error }, 'unexpected error in the GraphQL route');
        if (res.headersSent) return void res.destroy();
        jsonError(res, 500, 'Internal server error.', 'INTERNAL_SERVER_ERROR');
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
