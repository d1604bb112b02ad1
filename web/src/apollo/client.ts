import { type ApolloClient, CombinedGraphQLErrors, InMemoryCache } from '@apollo/client';
import { ErrorLink } from '@apollo/client/link/error';
import type { Client } from 'graphql-ws';
import { errorCode } from '../lib/errors';
import { typePolicies } from './cache';
import { ConnectionMonitor } from './connection';
import { backOff, createParleyClient } from './factory';

/** Close codes with which the server ends a session (token revoked, logged out, ended by an admin). */
export const SESSION_CLOSE_CODES = new Set([4401, 4403]);

export interface ApolloSession {
  token: string | null;
  client: ApolloClient;
  connection: ConnectionMonitor;
  /** Null when signed out: there is no WebSocket then. */
  ws: Client | null;
  dispose(): void;
}

export interface SessionOptions {
  token: string | null;
  /** Called when the server says the token is no longer good. */
  onAuthLost(): void;
}

function isCloseEvent(value: unknown): value is { code: number; reason?: string } {
  return typeof value === 'object' && value !== null && 'code' in value && typeof value.code === 'number';
}

/**
 * One Apollo client per signed-in token: HTTP for queries and mutations
 * (`Authorization: Bearer`), graphql-ws for subscriptions
 * (`connectionParams.authorization`). Signing in or out builds a new one.
 */
export function createApolloSession({ token, onAuthLost }: SessionOptions): ApolloSession {
  const connection = new ConnectionMonitor();
  let disposed = false;
  const authLost = () => {
    if (!disposed && token !== null) onAuthLost();
  };

  const errorLink = new ErrorLink(({ error }) => {
    const unauthenticated = CombinedGraphQLErrors.is(error)
      ? error.errors.some((e) => e.extensions?.code === 'UNAUTHENTICATED')
      : errorCode(error) === 'UNAUTHENTICATED';
    if (unauthenticated) authLost();
  });

  const cleanups: (() => void)[] = [];
  let pongTimeout: ReturnType<typeof setTimeout> | undefined;
  const parley = createParleyClient({
    getToken: () => token,
    links: [errorLink],
    cache: new InMemoryCache({ typePolicies }),
    defaultOptions: { watchQuery: { fetchPolicy: 'cache-and-network' } },
    socket: {
      // Presence is "has an open socket": connect right away, not on first subscription.
      lazy: false,
      keepAlive: 10_000,
      retryAttempts: Number.POSITIVE_INFINITY,
      retryWait: backOff,
      shouldRetry: (errOrCloseEvent) =>
        !(isCloseEvent(errOrCloseEvent) && SESSION_CLOSE_CODES.has(errOrCloseEvent.code)),
      onNonLazyError: () => {
        // Reported through the `closed` listener below.
      },
      on: {
        connecting: () => connection.connecting(),
        connected: () => connection.connected(),
        closed: (event) => {
          clearTimeout(pongTimeout);
          if (disposed) return;
          connection.closed();
          if (isCloseEvent(event) && SESSION_CLOSE_CODES.has(event.code)) authLost();
        },
        ping: (received) => {
          // A ping we sent that gets no pong within 5 s means a dead socket.
          if (!received) pongTimeout = setTimeout(() => ws?.terminate(), 5_000);
        },
        pong: (received) => {
          if (received) clearTimeout(pongTimeout);
        },
      },
    },
  });
  // Signed out: no WebSocket at all. Signed in: it opens now.
  const ws: Client | null = token ? parley.socket() : null;
  if (ws) {
    // The browser knows the network is gone before any ping times out.
    const onOffline = () => ws.terminate();
    window.addEventListener('offline', onOffline);
    cleanups.push(() => window.removeEventListener('offline', onOffline));
  }
  const client = parley.client;

  return {
    token,
    client,
    connection,
    ws,
    dispose() {
      disposed = true;
      for (const cleanup of cleanups) cleanup();
      parley.dispose();
    },
  };
}
