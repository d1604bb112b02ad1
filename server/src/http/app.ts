import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import path from 'node:path';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import cors from 'cors';
import express, { type ErrorRequestHandler } from 'express';
import type { GraphQLSchema } from 'graphql';
import type { Context } from '../context';
import { metricsRoute } from '../metrics/metrics-route';
import { operationLogPlugin } from '../metrics/operation-log';
import { registerQueueDepth } from '../metrics/registry';
import { assignRequestId } from '../metrics/request-id';
import { resolverFields } from '../schema/resolver-fields';
import type { Services } from '../services';
import { clientIpOf } from './client-ip';
import { authenticate, createContext } from './context-factory';
import { edgeChecksPlugin } from './edge-plugin';
import { finalErrorHandler, notFoundJson } from './error-handler';
import { createFormatError } from './format-error';
import { graphqlRoute } from './graphql-route';
import { readiness } from './readiness';
import { apiSecurityHeaderValues, securityHeaders } from './security-headers';
import { validationRules } from './validation-rules';
import { attachWebSocket } from './websocket';

export interface RunningServer {
  server: Server;
  url: string;
  close(): Promise<void>;
}

/** A JSON body the GraphQL clients understand, for errors raised before GraphQL runs. */
const bodyErrors: ErrorRequestHandler = (error: { type?: string; status?: number }, _req, res, next) => {
  if (error.type === 'entity.too.large') {
    res
      .status(413)
      .json({ errors: [{ message: 'The request is too large.', extensions: { code: 'PAYLOAD_TOO_LARGE' } }] });
  } else if (error.type === 'entity.parse.failed') {
    res
      .status(400)
      .json({ errors: [{ message: 'The request body is not valid JSON.', extensions: { code: 'BAD_REQUEST' } }] });
  } else {
    next(error);
  }
};

export async function startHttpServer(services: Services, schema: GraphQLSchema): Promise<RunningServer> {
  const { config, log } = services;
  const app = express();
  app.disable('x-powered-by');
  // false, a hop count or proxy addresses (see trust-proxy.ts); WebSockets use the same via clientIpOf.
  app.set('trust proxy', config.TRUST_PROXY);
  app.use(assignRequestId);
  app.use(securityHeaders(config.STUDY_FRAME_ANCESTORS));
  let fastRoute: ((req: IncomingMessage, res: ServerResponse) => boolean) | undefined;
  const server = createServer((req, res) => {
    if (!fastRoute?.(req, res)) app(req, res);
  });
  const ipOf = clientIpOf(app);
  const rules = validationRules(config, resolverFields());
  const ws = await attachWebSocket(server, schema, services, rules, ipOf);

  const apollo = new ApolloServer<Context>({
    schema,
    introspection: config.GRAPHQL_INTROSPECTION,
    csrfPrevention: true,
    // main.ts stops everything in order on SIGTERM; Apollo's own handler (installed unless NODE_ENV=test) raced it.
    stopOnTerminationSignals: false,
    includeStacktraceInErrorResponses: false,
    validationRules: rules,
    parseOptions: { maxTokens: config.GRAPHQL_MAX_TOKENS },
    formatError: createFormatError(log),
    plugins: [
      // Requests still running get most of the shutdown budget; jobs and connections need the rest.
      ApolloServerPluginDrainHttpServer({
        httpServer: server,
        stopGracePeriodMillis: Math.floor(config.SHUTDOWN_TIMEOUT_SECONDS * 1000 * 0.4),
      }),
      operationLogPlugin(log),
      ApolloServerPluginLandingPageDisabled(),
      edgeChecksPlugin(schema),
    ],
  });
  await apollo.start();

  const webDist = config.WEB_DIST_DIR;
  const ide = path.join(webDist, 'graphiql.html');
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  registerQueueDepth(() => services.queue.depth());
  app.get('/metrics', metricsRoute(config.METRICS_TOKEN));
  app.get('/readyz', async (_req, res) => {
    const report = await readiness(services);
    res.status(report.ready ? 200 : 503).json(report);
  });
  app.get('/graphql', (req, res, next) => {
    // Browsers (which prefer HTML) get the IDE; API clients fall through to Apollo.
    if (req.accepts(['application/json', 'text/html']) !== 'text/html' || 'query' in req.query) return next();
    if (existsSync(ide)) return res.sendFile(ide);
    res.status(503).type('text').send('The GraphQL IDE is not built: run `npm run build`.');
  });
  const corsPolicy = cors(config.FRONTEND_URL ? { origin: config.FRONTEND_URL, credentials: true } : { origin: false });
  const contextOf = async (req: IncomingMessage, requestId: string) => {
    const { viewer, participant } = await authenticate(services, req.headers.authorization);
    return createContext(services, viewer, ipOf(req), participant, requestId);
  };
  fastRoute = graphqlRoute({
    apollo,
    before: [corsPolicy],
    headers: apiSecurityHeaderValues(),
    maxBytes: config.MAX_REQUEST_BYTES,
    context: contextOf,
    log,
  });
  // What the fast route leaves (GET, preflights, other content types and encodings) takes express's way.
  app.use(
    '/graphql',
    corsPolicy,
    express.json({ limit: config.MAX_REQUEST_BYTES }),
    bodyErrors,
    expressMiddleware(apollo, { context: ({ req, res }) => contextOf(req, String(res.locals.requestId)) }),
  );
  // No source maps in production, whatever the build left in web/dist.
  if (config.NODE_ENV === 'production')
    app.use((req, res, next) => (/\.map$/i.test(req.path) ? notFoundJson(req, res, next) : next()));
  app.use(express.static(webDist, { index: false, maxAge: '1h' }));
  app.get('/{*path}', (req, res, next) => {
    const index = path.join(webDist, 'index.html');
    if (!req.accepts('html') || !existsSync(index)) return next();
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index);
  });
  app.use(notFoundJson);
  app.use(finalErrorHandler(log));

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.PORT, config.HOST, resolve);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  return {
    server,
    url: `http://${config.HOST === '0.0.0.0' ? 'localhost' : config.HOST}:${port}`,
    async close() {
      await ws.close();
      await apollo.stop();
    },
  };
}
