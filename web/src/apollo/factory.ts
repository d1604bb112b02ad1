import { ApolloClient, ApolloLink, type DefaultOptions, HttpLink, type InMemoryCache } from '@apollo/client';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { getMainDefinition } from '@apollo/client/utilities';
import { type Client, type ClientOptions, createClient } from 'graphql-ws';
import { bearer } from '../lib/token';

export function graphqlHttpUrl(): string {
  return '/graphql';
}

export function graphqlWsUrl(): string {
  const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${window.location.host}/graphql`;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Retries with a capped exponential back-off and some jitter, so that many clients do not return at once. */
export const backOff = async (retries: number) => {
  await sleep(Math.min(400 * 2 ** retries, 4000) + Math.random() * 300);
};

interface FactoryOptions {
  /** The token of every request from now on (HTTP header, WebSocket connectionParams). */
  getToken(): string | null;
  /** graphql-ws settings besides the address and the token. */
  socket: Omit<ClientOptions, 'url' | 'connectionParams'>;
  /** Links before the transport (e.g. one that reacts to errors). */
  links?: ApolloLink[];
  cache: InMemoryCache;
  defaultOptions?: DefaultOptions;
}

export interface ParleyClient {
  client: ApolloClient;
  /** The WebSocket client, made on first use (so that the token is known by then). */
  socket(): Client;
  /** Closes the WebSocket; the next subscription opens a new one (with the token at that time). */
  resetSocket(): void;
  dispose(): void;
}

/**
 * The one way Parley's web pages build an Apollo client: HTTP for queries and mutations with
 * `Authorization: Bearer`, graphql-ws for subscriptions with the same token in connectionParams.
 */
export function createParleyClient({
  getToken,
  socket,
  links = [],
  cache,
  defaultOptions,
}: FactoryOptions): ParleyClient {
  let ws: Client | null = null;
  const open = (): Client => {
    ws ??= createClient({
      url: graphqlWsUrl(),
      connectionParams: () => {
        const token = getToken();
        return token ? { authorization: bearer(token) } : {};
      },
      ...socket,
    });
    return ws;
  };

  const authLink = new ApolloLink((operation, forward) => {
    const token = getToken();
    if (token) {
      operation.setContext(({ headers = {} }: { headers?: Record<string, string> }) => ({
        headers: { ...headers, authorization: bearer(token) },
      }));
    }
    return forward(operation);
  });
  const wsLink = new ApolloLink((operation) => new GraphQLWsLink(open()).request(operation));
  const transport = ApolloLink.split(
    ({ query }) => {
      const definition = getMainDefinition(query);
      return definition.kind === 'OperationDefinition' && definition.operation === 'subscription';
    },
    wsLink,
    ApolloLink.from([authLink, new HttpLink({ uri: graphqlHttpUrl() })]),
  );
  const client = new ApolloClient({ link: ApolloLink.from([...links, transport]), cache, defaultOptions });

  return {
    client,
    socket: open,
    resetSocket() {
      const old = ws;
      ws = null;
      void old?.dispose();
    },
    dispose() {
      client.stop();
      void ws?.dispose();
    },
  };
}
