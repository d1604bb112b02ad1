import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { GraphQLSchema, ValidationRule } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { REVOCATIONS_TOPIC, type Revocation } from '../auth/revocations';
import type { Viewer } from '../context';
import { unauthenticated } from '../errors';
import type { Services } from '../services';
import type { ParticipantViewer } from '../study/participant-tokens';
import { authenticate, createContext } from './context-factory';
import { createFormatError } from './format-error';
import { wsErrorFormatter } from './ws-errors';
import { prepareWsOperation } from './ws-operation';

type ConnectionState = {
  connId?: string;
  viewer?: Viewer;
  participant?: ParticipantViewer;
  token?: string;
};

/** Close codes the web client treats as "logged out": do not reconnect with this token. */
export const CLOSE_SESSION_ENDED = 4401;

/** graphql-ws on the HTTP server's port and path; presence follows each authenticated socket. */
export async function attachWebSocket(
  httpServer: Server,
  schema: GraphQLSchema,
  services: Services,
  rules: readonly ValidationRule[],
) {
  const { config, tokens, presence, log } = services;
  const wss = new WebSocketServer({ server: httpServer, path: '/graphql', maxPayload: config.MAX_REQUEST_BYTES });
  // Errors leave a socket exactly as they leave an HTTP response: coded, formatted, masked.
  const format = wsErrorFormatter(createFormatError(log));
  // Dead peers miss a pong and are dropped, well within the presence timeout.
  const keepAlive = Math.max(1000, Math.floor((config.PRESENCE_TIMEOUT_SECONDS * 1000) / 2));

  let shuttingDown = false;
  const disposable = useServer<Record<string, unknown>, ConnectionState>(
    {
      schema,
      onConnect: async (ctx) => {
        const token = ctx.connectionParams?.authorization;
        const { viewer, participant } = await authenticate(services, token);
        if (participant) {
          // Participants follow their model calls; they have no presence.
          Object.assign(ctx.extra, { participant, token });
          return true;
        }
        if (!viewer) return false;
        const connId = randomUUID();
        Object.assign(ctx.extra, { connId, viewer, token });
        await presence.connect({
          connId,
          userId: viewer.id,
          jti: viewer.jti,
          connectedAt: new Date(),
          close: (code, reason) => ctx.extra.socket.close(code, reason),
        });
        return true;
      },
      onSubscribe: async (ctx, _id, payload) => {
        // A token revoked in another process closes this socket, but check on each operation too.
        if (!ctx.extra.participant && !(await tokens.verifyHeader(ctx.extra.token))) {
          ctx.extra.socket.close(CLOSE_SESSION_ENDED, 'Session ended');
          return [unauthenticated('Your session has ended.')];
        }
        const prepared = prepareWsOperation(schema, payload, { maxTokens: config.GRAPHQL_MAX_TOKENS, rules });
        return 'errors' in prepared ? prepared.errors : prepared.args;
      },
      onNext: (_ctx, _id, _payload, _args, result) => format.result(result),
      onError: (_ctx, _id, _payload, errors) => format.all(errors),
      context: (ctx) =>
        createContext(
          services,
          ctx.extra.viewer ?? null,
          ctx.extra.request.socket.remoteAddress ?? '',
          ctx.extra.participant ?? null,
        ),
      onClose: async (ctx) => {
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

  return {
    wss,
    async close() {
      shuttingDown = true;
      stopListening();
      for (const client of wss.clients) client.close(1012, 'Server restarting');
      await disposable.dispose();
    },
  };
}
