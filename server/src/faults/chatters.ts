import assert from 'node:assert/strict';
import { type Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { codeOf, gql, register } from '../test/graphql-client';
import { uniqueName } from '../test/server-process';

const SEND =
  'mutation($to: ID!, $body: String!, $cid: String) { sendMessage(toUserId: $to, body: $body, clientId: $cid) { id } }';
const HISTORY =
  'query($with: ID!) { conversation(withUserId: $with, limit: 200) { messages { id clientId from { id } } } }';
const RECEIVED = 'subscription($after: ID) { messageReceived(after: $after) { id clientId from { id } } }';

interface Received {
  id: string;
  clientId: string | null;
  from: { id: string };
}

/**
 * One sender and one receiver, as two browsers would be: the sender retries a failed send with the same
 * clientId (on the next API process when one is down); the receiver follows `messageReceived` on a socket
 * that reconnects to the next URL and subscribes again with `after` (the newest message it holds), so the
 * server replays what it missed.
 */
export interface Pair {
  senderId: string;
  receiverId: string;
  senderToken: string;
  receiverToken: string;
  /** clientIds the server acknowledged. */
  acked: string[];
  /** Failed attempts by error code ('network' when no answer came). */
  failures: Map<string, number>;
  /** Message ids received over the subscription, live or replayed, in order (duplicates kept). */
  live: string[];
  /** Message ids fetched after reconnecting before any message had arrived. */
  caughtUp: Set<string>;
  reconnects: number;
  socket: Client;
  close(): Promise<void>;
}

/** Picks the URLs in turn, so a client whose process died moves on to the next. */
const rotate = (urls: () => string[]) => {
  let i = 0;
  return {
    current: () => urls()[i % urls().length] as string,
    next: () => {
      i++;
    },
  };
};

/** API base URLs, in the order a client tries them: senders post to `send`, receivers listen on `listen`. */
export interface Routes {
  send: string[];
  listen: string[];
}

export async function makePair(routes: Routes, label: string): Promise<ChatPair> {
  const http = rotate(() => routes.send);
  const sender = await register(http.current(), uniqueName(`${label}s`));
  const receiver = await register(http.current(), uniqueName(`${label}r`));
  const ws = rotate(() => routes.listen.map((u) => `${u.replace(/^http/, 'ws')}/graphql`));
  const listenHttp = rotate(() => routes.listen);
  let connections = 0;
  const pair: Pair = {
    senderId: sender.user.id,
    receiverId: receiver.user.id,
    senderToken: sender.token,
    receiverToken: receiver.token,
    acked: [],
    failures: new Map(),
    live: [],
    caughtUp: new Set(),
    reconnects: 0,
    socket: createClient({
      url: () => ws.current(),
      webSocketImpl: WebSocket,
      lazy: false,
      retryAttempts: 100,
      retryWait: async () => {
        ws.next();
        listenHttp.next();
        await new Promise((resolve) => setTimeout(resolve, 200));
      },
      shouldRetry: () => true,
      connectionParams: { authorization: `Bearer ${receiver.token}` },
      on: {
        connected: () => {
          if (connections++ === 0) return;
          pair.reconnects++;
          follow();
        },
      },
    }),
    close: async () => pair.socket.dispose(),
  };
  pair.socket.on('error', () => {});
  const catchUp = async () => {
    const res = await gql(listenHttp.current(), HISTORY, { with: sender.user.id }, receiver.token).catch(
      () => undefined,
    );
    for (const m of (res?.data?.conversation.messages ?? []) as Received[]) pair.caughtUp.add(m.id);
  };
  let unsubscribe = () => {};
  const follow = () => {
    unsubscribe();
    const after = pair.live.at(-1);
    if (!after) void catchUp();
    unsubscribe = pair.socket.subscribe<{ messageReceived: Received }>(
      { query: RECEIVED, variables: { after } },
      {
        next: ({ data }) => {
          if (data?.messageReceived.from.id === sender.user.id) pair.live.push(data.messageReceived.id);
        },
        error: () => {},
        complete: () => {},
      },
    );
  };
  follow();
  Object.assign(pair, {
    /** Sends until acknowledged; gives up only after `ms`. */
    send: async (body: string, ms = 60_000) => {
      const cid = uniqueName('cid');
      const deadline = Date.now() + ms;
      for (;;) {
        const url = http.current();
        const res = await gql(url, SEND, { to: receiver.user.id, body, cid }, sender.token).catch(() => undefined);
        if (res?.data?.sendMessage) return void pair.acked.push(cid);
        const code = res ? String(codeOf(res)) : 'network';
        pair.failures.set(code, (pair.failures.get(code) ?? 0) + 1);
        if (code === 'network') http.next();
        else assert.equal(code, 'SERVICE_UNAVAILABLE', `a send failed with ${JSON.stringify(res?.errors)}`);
        if (Date.now() > deadline) throw new Error(`send not acknowledged within ${ms} ms`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    stored: async () => {
      const res = await gql(http.current(), HISTORY, { with: receiver.user.id }, sender.token);
      const messages = res.data?.conversation.messages as Received[] | undefined;
      if (!messages) throw new Error(`history failed: ${JSON.stringify(res.errors)}`);
      return messages.filter((m) => m.from.id === sender.user.id);
    },
  });
  return pair as ChatPair;
}

export type ChatPair = Pair & {
  send(body: string, ms?: number): Promise<void>;
  stored(): Promise<Received[]>;
};

/**
 * Each pair sends one message after another (pausing `everyMs` between them) until `stop()` says so, and
 * at most `max` each.
 */
export function keepChatting(pairs: ChatPair[], max = 200, everyMs = 0) {
  let stopped = false;
  const loops = pairs.map(async (pair, p) => {
    for (let i = 0; i < max && !stopped; i++) {
      await pair.send(`pair ${p} message ${i}`);
      if (everyMs) await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  });
  return {
    stop: async () => {
      stopped = true;
      await Promise.all(loops);
    },
  };
}
