import { ApolloClient, ApolloLink, HttpLink, InMemoryCache } from '@apollo/client';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { getMainDefinition } from '@apollo/client/utilities';
import { type Client, createClient } from 'graphql-ws';
import { graphqlHttpUrl, graphqlWsUrl } from '../apollo/client';
import { bearer } from '../lib/token';

export interface StudyClient {
  client: ApolloClient;
  /** The participant token: sent on every request from now on (and on the next WebSocket). */
  setToken(token: string | null): void;
  dispose(): void;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The participant's Apollo client. Before startParticipation there is no token (the public
 * queries); afterwards each HTTP request carries it, and the WebSocket, opened only for a
 * model reply (lazy), sends it in connectionParams. The study pages keep their own state,
 * so the cache is only a by-product here.
 */
export function createStudyClient(): StudyClient {
  let token: string | null = null;
  let ws: Client | null = null;

  const authLink = new ApolloLink((operation, forward) => {
    if (token) {
      operation.setContext(({ headers = {} }: { headers?: Record<string, string> }) => ({
        headers: { ...headers, authorization: bearer(token as string) },
      }));
    }
    return forward(operation);
  });

  const wsClient = (): Client => {
    ws ??= createClient({
      url: graphqlWsUrl(),
      connectionParams: () => (token ? { authorization: bearer(token) } : {}),
      lazy: true,
      lazyCloseTimeout: 5_000,
      keepAlive: 15_000,
      retryAttempts: 8,
      retryWait: async (retries) => {
        await sleep(Math.min(400 * 2 ** retries, 4000) + Math.random() * 300);
      },
    });
    return ws;
  };

  // The WebSocket client is made on first use, so the token is known by then.
  const wsLink = new ApolloLink((operation) => new GraphQLWsLink(wsClient()).request(operation));

  const link = ApolloLink.split(
    ({ query }) => {
      const definition = getMainDefinition(query);
      return definition.kind === 'OperationDefinition' && definition.operation === 'subscription';
    },
    wsLink,
    ApolloLink.from([authLink, new HttpLink({ uri: graphqlHttpUrl() })]),
  );

  const client = new ApolloClient({
    link,
    cache: new InMemoryCache(),
    defaultOptions: {
      query: { fetchPolicy: 'no-cache' },
      watchQuery: { fetchPolicy: 'no-cache' },
      mutate: { fetchPolicy: 'no-cache' },
    },
  });

  return {
    client,
    setToken(next) {
      if (next === token) return;
      token = next;
      // A socket opened with the old token would authorise the wrong participant.
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
