// Row 4's client: opens sockets that each hold one subscription and then stay idle, in steps (e.g. 1,000
// then 5,000 in all); after each step it tells the bench and waits, and it closes them all when told. Parley: graphql-ws with messageReceived; bare: `ws`
// with one subscribe message answered by the relay.
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { generator, inLanes, nextMessage } from '../lib/generator.mjs';

function parleySocket(wsUrl, token) {
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
    socket.once('error', reject);
    socket.once('open', () => socket.send(JSON.stringify({ subscribe: true })));
    socket.once('message', () => resolve({ close: () => socket.terminate() }));
  });
}

generator(async ({ target, wsUrl, relayUrl, tokens, steps }, send) => {
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
            ? parleySocket(wsUrl, tokens[index % tokens.length])
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
  await Promise.all(sockets.map((socket) => socket.close()));
  return { opened: sockets.length, failed, firstError };
});
