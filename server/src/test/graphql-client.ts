import { type Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';

export interface GraphQLResponse<T = Record<string, unknown>> {
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string; [key: string]: unknown } }[];
}

/** POSTs an operation as a browser app would (JSON, so CSRF prevention lets it through). */
export async function gql<T = Record<string, any>>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  token?: string,
  headers: Record<string, string> = {},
): Promise<GraphQLResponse<T> & { status: number }> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, ...((await res.json()) as GraphQLResponse<T>) };
}

/** The error code of the first error, for compact assertions. */
export const codeOf = (res: GraphQLResponse<unknown>) => res.errors?.[0]?.extensions?.code;

export interface User {
  id: string;
  username: string;
}

export async function register(
  url: string,
  username: string,
  password = 'correct-horse',
): Promise<{ token: string; user: User }> {
  const res = await gql<{ register: { token: string; user: User } }>(
    url,
    'mutation($u: String!, $p: String!) { register(username: $u, password: $p) { token user { id username } } }',
    { u: username, p: password },
  );
  if (!res.data?.register) throw new Error(`register failed: ${JSON.stringify(res.errors)}`);
  return res.data.register;
}

export interface Socket {
  client: Client;
  /** Resolves once the server acknowledged the connection. */
  connected: Promise<void>;
  /** Resolves with the close code when the server closes the connection. */
  closed: Promise<number>;
  /** The underlying socket, for simulating a peer that stops answering. */
  raw(): WebSocket | undefined;
}

export function connect(wsUrl: string, token: string | undefined, options: { retry?: boolean } = {}): Socket {
  let raw: WebSocket | undefined;
  let onClosed: (code: number) => void = () => {};
  let onConnected: () => void = () => {};
  const closed = new Promise<number>((resolve) => (onClosed = resolve));
  const connected = new Promise<void>((resolve) => (onConnected = resolve));
  class TrackedWebSocket extends WebSocket {
    constructor(address: string, protocols?: string | string[]) {
      super(address, protocols);
      raw = this;
    }
  }
  const client = createClient({
    url: wsUrl,
    webSocketImpl: TrackedWebSocket,
    lazy: false,
    onNonLazyError: () => {},
    retryAttempts: options.retry ? 5 : 0,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    on: { closed: (event) => onClosed((event as { code: number }).code), connected: () => onConnected() },
  });
  client.on('error', () => {});
  return { client, connected, closed, raw: () => raw };
}

export interface Subscription<T> {
  events: T[];
  /** Waits for an event matching the predicate (already received or yet to come). */
  next(predicate?: (event: T) => boolean, timeoutMs?: number): Promise<T>;
  errors: unknown[];
  dispose(): void;
}

export function subscribe<T = Record<string, any>>(
  socket: Socket,
  query: string,
  variables: Record<string, unknown> = {},
): Subscription<T> {
  const events: T[] = [];
  const errors: unknown[] = [];
  const waiters = new Set<() => void>();
  const dispose = socket.client.subscribe<T>(
    { query, variables },
    {
      next: (value) => {
        if (value.errors) errors.push(value.errors);
        if (value.data) events.push(value.data as T);
        for (const wake of waiters) wake();
      },
      error: (error) => {
        errors.push(error);
        for (const wake of waiters) wake();
      },
      complete: () => {},
    },
  );
  return {
    events,
    errors,
    dispose,
    next(predicate = () => true, timeoutMs = 10_000) {
      return new Promise<T>((resolve, reject) => {
        const check = () => {
          const found = events.find(predicate);
          if (found !== undefined) {
            waiters.delete(check);
            clearTimeout(timer);
            resolve(found);
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(
            new Error(
              `no matching event within ${timeoutMs} ms; got ${JSON.stringify(events)} errors ${JSON.stringify(errors)}`,
            ),
          );
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
  };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * graphql-ws acknowledges no single subscription, so a test cannot know when the server listens. This repeats
 * `probe` (an action that publishes to the subscription) until an event it caused arrives: from then on the
 * subscription is live. Throws after `ms`.
 */
export async function untilLive<T>(
  sub: Subscription<T>,
  probe: () => Promise<unknown>,
  caused: (event: T) => boolean,
  ms = 10_000,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!sub.events.some(caused)) {
    if (Date.now() > deadline) {
      throw new Error(`subscription not live within ${ms} ms; errors ${JSON.stringify(sub.errors)}`);
    }
    await probe();
    await sub.next(caused, 250).catch(() => undefined);
  }
}
