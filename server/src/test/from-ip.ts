import { randomInt } from 'node:crypto';
import { type Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { type GraphQLResponse, gql } from './graphql-client';

/**
 * Requests as if through one proxy: with TRUST_PROXY=1 the server takes the last X-Forwarded-For entry
 * (the address the proxy saw) as the client's. `forwardedFor` may hold several entries, as a client that
 * tries to choose its own address would send them.
 */
export function gqlFrom<T = Record<string, any>>(
  url: string,
  forwardedFor: string,
  query: string,
  variables: Record<string, unknown> = {},
  token?: string,
) {
  return gql<T>(url, query, variables, token, { 'x-forwarded-for': forwardedFor });
}

/** A documentation-range address (TEST-NET-3) unique enough for one test. */
export const randomIp = () => `203.0.${randomInt(0, 256)}.${randomInt(1, 255)}`;

/** A graphql-ws client whose upgrade request carries X-Forwarded-For. */
export function wsFrom(wsUrl: string, forwardedFor: string, token: string): Client {
  class ForwardedWebSocket extends WebSocket {
    constructor(address: string, protocols?: string | string[]) {
      super(address, protocols, { headers: { 'x-forwarded-for': forwardedFor } });
    }
  }
  const client = createClient({
    url: wsUrl,
    webSocketImpl: ForwardedWebSocket,
    retryAttempts: 0,
    connectionParams: { authorization: `Bearer ${token}` },
  });
  client.on('error', () => {});
  return client;
}

/** Runs one operation over a graphql-ws client and returns its single result. */
export function wsRequest<T = Record<string, any>>(
  client: Client,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<GraphQLResponse<T>> {
  return new Promise((resolve, reject) => {
    let result: GraphQLResponse<T> = {};
    client.subscribe<T>(
      { query, variables },
      {
        next: (value) => {
          result = value as GraphQLResponse<T>;
        },
        error: (error) => (Array.isArray(error) ? resolve({ errors: error }) : reject(error)),
        complete: () => resolve(result),
      },
    );
  });
}
