import type { ApolloClient } from '@apollo/client';
import { InMemoryCache } from '@apollo/client';
import { backOff, createParleyClient } from '../apollo/factory';

export interface StudyClient {
  client: ApolloClient;
  /** The participant token: sent on every request from now on (and on the next WebSocket). */
  setToken(token: string | null): void;
  dispose(): void;
}

/**
 * The participant's client (apollo/factory). Before startParticipation there is no token (the public
 * queries); afterwards each request carries it, and the WebSocket, opened only for a model reply (lazy),
 * sends it in connectionParams. The study pages keep their own state, so the cache is only a by-product.
 */
export function createStudyClient(): StudyClient {
  let token: string | null = null;
  const parley = createParleyClient({
    getToken: () => token,
    socket: { lazy: true, lazyCloseTimeout: 5_000, keepAlive: 15_000, retryAttempts: 8, retryWait: backOff },
    cache: new InMemoryCache(),
    defaultOptions: {
      query: { fetchPolicy: 'no-cache' },
      watchQuery: { fetchPolicy: 'no-cache' },
      mutate: { fetchPolicy: 'no-cache' },
    },
  });
  return {
    client: parley.client,
    setToken(next) {
      if (next === token) return;
      token = next;
      // A socket opened with the old token would authorise the wrong participant.
      parley.resetSocket();
    },
    dispose: parley.dispose,
  };
}
