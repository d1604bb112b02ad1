import { ApolloClient, ApolloLink, CombinedGraphQLErrors, HttpLink, InMemoryCache } from '@apollo/client';
import { ErrorLink } from '@apollo/client/link/error';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { getMainDefinition } from '@apollo/client/utilities';
import { type Client, createClient } from 'graphql-ws';
import { errorCode } from '../lib/errors';
import { bearer } from '../lib/token';
import { typePolicies } from './cache';
import { ConnectionMonitor } from './connection';

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

export function graphqlHttpUrl(): string {
  return '/graphql';
}

export function graphqlWsUrl(): string {
  const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${window.location.host}/graphql`;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

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

  const httpLink = new HttpLink({
    uri: graphqlHttpUrl(),
    headers: token ? { authorization: bearer(token) } : {},
  });

  const errorLink = new ErrorLink(({ error }) => {
    const unauthenticated = CombinedGraphQLErrors.is(error)
      ? error.errors.some((e) => e.extensions?.code === 'UNAUTHENTICATED')
      : errorCode(error) === 'UNAUTHENTICATED';
    if (unauthenticated) authLost();
  });

  let ws: Client | null = null;
  const cleanups: (() => void)[] = [];
  let link: ApolloLink = httpLink;

  if (token) {
    let pongTimeout: ReturnType<typeof setTimeout> | undefined;
    const wsClient = createClient({
      url: graphqlWsUrl(),
      connectionParams: () => ({ authorization: bearer(token) }),
      // Presence is "has an open socket": connect right away, not on first subscription.
      lazy: false,
      keepAlive: 10_000,
      retryAttempts: Number.POSITIVE_INFINITY,
      retryWait: async (retries) => {
        await sleep(Math.min(400 * 2 ** retries, 4000) + Math.random() * 300);
      },
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
          if (!received) pongTimeout = setTimeout(() => wsClient.terminate(), 5_000);
        },
        pong: (received) => {
          if (received) clearTimeout(pongTimeout);
        },
      },
    });
    ws = wsClient;
    // The browser knows the network is gone before any ping times out.
    const onOffline = () => wsClient.terminate();
    window.addEventListener('offline', onOffline);
    cleanups.push(() => window.removeEventListener('offline', onOffline));
    const wsLink = new GraphQLWsLink(wsClient);
    link = ApolloLink.split(
      ({ query }) => {
        const definition = getMainDefinition(query);
        return definition.kind === 'OperationDefinition' && definition.operation === 'subscription';
      },
      wsLink,
      httpLink,
    );
  }

  const client = new ApolloClient({
    link: ApolloLink.from([errorLink, link]),
    cache: new InMemoryCache({ typePolicies }),
    defaultOptions: {
      watchQuery: { fetchPolicy: 'cache-and-network' },
    },
  });

  return {
    token,
    client,
    connection,
    ws,
    dispose() {
      disposed = true;
      for (const cleanup of cleanups) cleanup();
      client.stop();
      void ws?.dispose();
    },
  };
}
