import { createGraphiQLFetcher, type Fetcher } from '@graphiql/toolkit';
import { type Client, createClient } from 'graphql-ws';

function wsUrl(): string {
  const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${window.location.host}/graphql`;
}

/** The Authorization header the user typed in the headers editor, whatever its case. */
export function authorizationFrom(headers: unknown): string | undefined {
  if (!headers || typeof headers !== 'object') return undefined;
  for (const [name, value] of Object.entries(headers)) {
    if (name.toLowerCase() === 'authorization' && typeof value === 'string' && value.trim()) return value.trim();
  }
  return undefined;
}

/**
 * Queries and mutations go over HTTP with the editor's headers; subscriptions
 * go over graphql-ws, whose connection carries the same Authorization value
 * as `connectionParams.authorization`. A different token opens a new socket.
 */
export function createParleyFetcher(): Fetcher {
  let current: { authorization: string | undefined; ws: Client; fetcher: Fetcher } | null = null;

  const fetcherFor = (authorization: string | undefined): Fetcher => {
    if (current && current.authorization === authorization) return current.fetcher;
    void current?.ws.dispose();
    const ws = createClient({
      url: wsUrl(),
      lazy: true,
      retryAttempts: 3,
      connectionParams: authorization ? { authorization } : {},
    });
    const fetcher = createGraphiQLFetcher({
      url: '/graphql',
      wsClient: ws,
      enableIncrementalDelivery: false,
    });
    current = { authorization, ws, fetcher };
    return fetcher;
  };

  return (params, opts) => fetcherFor(authorizationFrom(opts?.headers))(params, opts);
}
