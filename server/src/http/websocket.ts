import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import { type GraphQLSchema, getOperationAST, type ValidationRule } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { REVOCATIONS_TOPIC, type Revocation } from '../auth/revocations';
import type { Viewer } from '../context';
import { unauthenticated } from '../errors';
import { metrics } from '../metrics/registry';
import { WsOperations } from '../metrics/ws-operations';
import type { Services } from '../services';
import type { ParticipantViewer } from '../study/participant-tokens';
import { coalesceSends } from './coalesced-sends';
import { authenticate, createContext } from './context-factory';
import { DocumentCache } from './document-cache';
import { createFormatError } from './format-error';
import { SocketSessions } from './socket-sessions';
import { wsErrorFormatter } from './ws-errors';
import { prepareWsOperation } from './ws-operation';

type ConnectionState = {
  /** The client's address, read from the upgrade request at connect (the request itself is then let go). */
  ip?: string;
  connId?: string;
  viewer?: Viewer;
  participant?: ParticipantViewer;
  token?: string;
  /** Stops watching the socket's session (socket-sessions.ts). */
  untrack?: () => void;
};

/** Close codes the web client treats as "logged out": do not reconnect with this token. */
export const CLOSE_SESSION_ENDED = 4401;

/** graphql-ws on the HTTP server's port and path; presence follows each authenticated socket. */
export async function attachWebSocket(
  httpServer: Server,
  schema: GraphQLSchema,
  services: Services,
  rules: readonly ValidationRule[],
  clientIp: (req: IncomingMessage) => string,
) {
  const { config, tokens, presence, log } = services;
  const wss = new WebSocketServer({ server: httpServer, path: '/graphql', maxPayload: config.MAX_REQUEST_BYTES });
  // Errors leave a socket exactly as they leave an HTTP response: coded, formatted, masked.
  const format = wsErrorFormatter(createFormatError(log));
  // Dead peers miss a pong and are dropped, well within the presence timeout.
  const keepAlive = Math.max(1000, Math.floor((config.PRESENCE_TIMEOUT_SECONDS * 1000) / 2));

  const operations = new WsOperations(log);
  wss.on('connection', (socket) => {
    coalesceSends(socket);
    metrics.wsConnections.inc();
    socket.once('close', () => metrics.wsConnections.dec());
  });

  const sessions = new SocketSessions(tokens, log);
  sessions.start(config.SESSION_CHECK_SECONDS * 1000);

  // One parse and validation per distinct document, not per subscribe; subscriptions share the document.
  const documents = new DocumentCache(config.GRAPHQL_DOCUMENT_CACHE_SIZE);

  let shuttingDown = false;
  const disposable = useServer<Record<string, unknown>, ConnectionState>(
    {
      schema,
      onConnect: async (ctx) => {
        // The upgrade request (headers and all, about 2 KB) would otherwise live as long as the socket.
        Object.assign(ctx.extra, { ip: clientIp(ctx.extra.request), request: undefined });
        const token = ctx.connectionParams?.authorization;
        const { viewer, participant } = await authenticate(services, token);
        if (participant) {
          // Participants follow their model calls; they have no presence.
          Object.assign(ctx.extra, { participant, token });
          return true;
        }
        if (!viewer) return false;
        const connId = randomUUID();
        const untrack = sessions.track({
          jti: viewer.jti,
          userId: viewer.id,
          role: viewer.role,
          expiresAt: tokens.expiresAt(token) ?? 0,
          end: (reason) => ctx.extra.socket.close(CLOSE_SESSION_ENDED, reason),
        });
        Object.assign(ctx.extra, { connId, viewer, token, untrack });
        await presence.connect({
          connId,
          userId: viewer.id,
          jti: viewer.jti,
          connectedAt: new Date(),
          close: (code, reason) => ctx.extra.socket.close(code, reason),
        });
        return true;
      },
      onSubscribe: async (ctx, id, payload) => {
        // A token revoked in another process closes this socket, but check on each operation too.
        // A participant token expires with its participation: a later operation on the socket is refused.
        if (ctx.extra.participant && !services.studies.tokens.verifyHeader(ctx.extra.token)) {
          ctx.extra.socket.close(CLOSE_SESSION_ENDED, 'Session ended');
          return [unauthenticated('Your session has ended.')];
        }
        if (!ctx.extra.participant) {
          const viewer = await tokens.verifyHeader(ctx.extra.token);
          if (!viewer || viewer.role !== ctx.extra.viewer?.role) {
            ctx.extra.socket.close(CLOSE_SESSION_ENDED, 'Session ended');
            return [unauthenticated('Your session has ended.')];
          }
          ctx.extra.viewer = viewer; // the account as it is now, for this operation's context
        }
        const prepared = prepareWsOperation(schema, payload, {
          maxTokens: config.GRAPHQL_MAX_TOKENS,
          rules,
          cache: documents,
        });
        if ('errors' in prepared) {
          operations.refused(ctx.extra, payload.operationName, prepared.errors);
          return prepared.errors;
        }
        const operation = getOperationAST(prepared.args.document, prepared.args.operationName);
        operations.started(ctx.extra, id, operation?.name?.value ?? payload.operationName, operation?.operation);
        return prepared.args;
      },
      onNext: (ctx, id, _payload, _args, result) => {
        const formatted = format.result(result);
        operations.answered(ctx.extra, id, (formatted as { errors?: unknown[] }).errors);
        return formatted;
      },
      onError: (ctx, id, _payload, errors) => {
        const formatted = format.all(errors);
        operations.answered(ctx.extra, id, formatted);
        return formatted;
      },
      onComplete: (ctx, id) => operations.completed(ctx.extra, ctx.extra, id),
      context: (ctx, id) =>
        createContext(
          services,
          ctx.extra.viewer ?? null,
          ctx.extra.ip ?? '',
          ctx.extra.participant ?? null,
          operations.requestIdOf(ctx.extra, id),
        ),
      onClose: async (ctx) => {
        ctx.extra.untrack?.();
        // On shutdown, presence is left to expire: clients reconnect to another process meanwhile.
        if (ctx.extra.connId && !shuttingDown)
          await presence
            .disconnect(ctx.extra.connId)
            .catch((err: unknown) => log.warn({ err }, 'presence disconnect failed'));
      },
    },
    wss,
    keepAlive,
  );

  const stopListening = await services.pubsub.listen<Revocation>(REVOCATIONS_TOPIC, (revocation) => {
    for (const connection of services.connections.matching(revocation))
      connection.close(CLOSE_SESSION_ENDED, 'Session ended');
  });

  // Events published while Redis was away are gone: clients reconnect (1012) and refetch what they missed.
  const stopResumed = services.pubsub.onResumed(() => {
    log.warn({ sockets: wss.clients.size }, 'pub/sub resumed: asking clients to reconnect and catch up');
    for (const client of wss.clients) client.close(1012, 'Reconnect to catch up');
  });

  return {
    wss,
    async close() {
      shuttingDown = true;
      sessions.stop();
      stopListening();
      stopResumed();
      for (const client of wss.clients) client.close(1012, 'Server restarting');
      await disposable.dispose();
    },
  };
}
