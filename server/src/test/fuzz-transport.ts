import { type Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';
import type { FuzzOperation } from './fuzz-operations';

export interface Outcome {
  transport: 'http' | 'ws';
  status?: number;
  errors: { message: string; extensions?: { code?: string } }[];
  /** A WebSocket closed by the server for anything other than a session ending. */
  closedWith?: number;
}

export async function overHttp(url: string, op: FuzzOperation, token?: string): Promise<Outcome> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query: op.query, variables: op.variables }),
  });
  const text = await res.text();
  let body: { errors?: Outcome['errors'] } = {};
  try {
    body = JSON.parse(text);
  } catch {
    return { transport: 'http', status: res.status, errors: [{ message: `not JSON: ${text.slice(0, 200)}` }] };
  }
  return { transport: 'http', status: res.status, errors: body.errors ?? [] };
}

/** One graphql-ws client per caller; a socket the server closed is replaced, and the close code kept. */
export class Sockets {
  private clients = new Map<string, { client: Client; closed: number[] }>();
  constructor(private readonly wsUrl: string) {}

  private get(token: string) {
    let entry = this.clients.get(token);
    if (!entry || entry.closed.length) {
      const closed: number[] = [];
      const client = createClient({
        url: this.wsUrl,
        webSocketImpl: WebSocket,
        lazy: false,
        retryAttempts: 0,
        onNonLazyError: () => {},
        connectionParams: { authorization: `Bearer ${token}` },
        on: { closed: (event) => closed.push((event as { code: number }).code) },
      });
      client.on('error', () => {});
      entry = { client, closed };
      this.clients.set(token, entry);
    }
    return entry;
  }

  /** Runs the operation until its first result, error or completion (live subscriptions: until `waitMs`). */
  run(op: FuzzOperation, token: string, waitMs: number): Promise<Outcome> {
    const { client, closed } = this.get(token);
    return new Promise<Outcome>((resolve) => {
      const errors: Outcome['errors'] = [];
      let settled = false;
      const settle = () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        dispose();
        const abnormal = closed.find((code) => code !== 1000 && code !== 4401 && code !== 4403);
        resolve({ transport: 'ws', errors, closedWith: abnormal });
      };
      const timer = setTimeout(settle, waitMs);
      const dispose = client.subscribe(
        { query: op.query, variables: op.variables },
        {
          next: (value) => {
            errors.push(...((value.errors ?? []) as Outcome['errors']));
            settle();
          },
          error: (error) => {
            if (Array.isArray(error)) errors.push(...(error as Outcome['errors']));
            settle();
          },
          complete: settle,
        },
      );
    });
  }

  dispose() {
    for (const { client } of this.clients.values()) void client.dispose();
  }
}
