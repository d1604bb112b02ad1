// Row 4's client: opens sockets that each hold one subscription and then stay idle, in steps (e.g. 1,000
// then 5,000 in all); after each step it tells the bench and waits, and it closes them all when told. Parley: graphql-ws with messageReceived; bare: `ws`
// with one subscribe message answered by the relay.
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { generator, inLanes, nextMessage } from '../lib/generator.mjs';

let presenceEvents = 0;

/** Each Parley socket follows messages, and the presence of the one user who arrives last (as a contact list would). */
function parleySocket(wsUrl, token, watchedId) {
  return new Promise((resolve, reject) => {
    const client = createClient({
      url: wsUrl,
      webSocketImpl: WebSocket,
      lazy: false,
      retryAttempts: 0,
      keepAlive: 0,
      onNonLazyError: reject,
      connectionParams: { authorization: `Bearer ${token}` },
      on: {
        connected: () => {
          client.subscribe(
            { query: 'subscription { messageReceived { id } }' },
            { next: () => {}, error: () => {}, complete: () => {} },
          );
          if (watchedId)
            client.subscribe(
              {
                query: 'subscription($ids: [ID!]) { presenceChanged(userIds: $ids) { online user { id } } }',
                variables: { ids: [watchedId] },
              },
              {
                next: ({ data }) => data?.presenceChanged?.online && presenceEvents++,
                error: () => {},
                complete: () => {},
              },
            );
          resolve({ close: () => client.dispose() });
        },
        closed: (event) => reject(new Error(`closed ${event?.code}`)),
      },
    });
  });
}

function bareSocket(relayUrl, index) {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${relayUrl}?id=idle${index}`);
    socket.on('error', reject); // a later reset (a relay out of file descriptors) must not end the generator
    socket.once('open', () => socket.send(JSON.stringify({ subscribe: true })));
    socket.once('message', () => resolve({ close: () => socket.terminate() }));
  });
}

/**
 * One user arrives while every socket follows their presence: resolves once all have seen it (bounded),
 * with how many did and how long it took, and the arriving socket still open (its leaving is not measured).
 */
async function arrive(wsUrl, arrival, expected) {
  presenceEvents = 0;
  const started = performance.now();
  const socket = await parleySocket(wsUrl, arrival.token).catch((error) => ({ error }));
  if (socket.error) return { delivered: 0, expected, ms: null, error: String(socket.error?.message ?? socket.error) };
  const deadline = Date.now() + 60_000;
  while (presenceEvents < expected && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
  return { delivered: presenceEvents, expected, ms: performance.now() - started, socket };
}

generator(async ({ target, wsUrl, relayUrl, tokens, arrival, steps }, send) => {
  const sockets = [];
  let failed = 0;
  let firstError;
  let tried = 0;
  for (const total of steps) {
    await inLanes(total - tried, 100, async (i) => {
      const index = tried + i;
      try {
        sockets.push(
          await (target === 'parley'
            ? parleySocket(wsUrl, tokens[index % tokens.length], arrival?.id)
            : bareSocket(relayUrl, index)),
        );
      } catch (error) {
        failed++;
        firstError ??= String(error?.message ?? error);
      }
    });
    tried = total;
    send({ type: 'ready', opened: sockets.length, failed });
    await nextMessage('go-on');
  }
  let arrived;
  if (target === 'parley' && arrival) {
    const { socket, ...figures } = await arrive(wsUrl, arrival, sockets.length);
    arrived = figures;
    send({ type: 'arrived', ...arrived });
    await nextMessage('go-on');
    await socket?.close();
  }
  await Promise.all(sockets.map((socket) => socket.close()));
  return { opened: sockets.length, failed, firstError, arrived };
});
