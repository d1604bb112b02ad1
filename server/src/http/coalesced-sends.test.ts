import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import WebSocket from 'ws';
import { register } from '../test/graphql-client';
import { type ServerMode, type ServerProcess, startServer, testEnv, uniqueName } from '../test/server-process';

const SEND = 'mutation($to: ID!, $body: String!) { sendMessage(toUserId: $to, body: $body) { id body } }';

/** Opens a raw graphql-transport-ws socket and counts the TCP reads that carry its frames. */
async function rawSocket(wsUrl: string, token: string) {
  const ws = new WebSocket(wsUrl, 'graphql-transport-ws');
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  const frames: { type: string; id?: string }[] = [];
  let reads = 0;
  (ws as unknown as { _socket: NodeJS.EventEmitter })._socket.on('data', () => reads++);
  ws.on('message', (data) => frames.push(JSON.parse(String(data))));
  /** Resolves once a frame like this has come. */
  const until = (like: (frame: { type: string; id?: string }) => boolean) =>
    new Promise<void>((resolve) => {
      const check = () => (frames.some(like) ? resolve() : ws.once('message', check));
      check();
    });
  ws.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } }));
  await until((f) => f.type === 'connection_ack');
  return { ws, frames, until, reads: () => reads };
}

for (const mode of ['redis', 'single-node'] as ServerMode[]) {
  describe(`WebSocket frames (${mode})`, () => {
    let server: ServerProcess;
    before(async () => {
      server = await startServer(testEnv(mode));
    });
    after(() => server.stop());

    test("a mutation's next and complete frames reach the client in one write", async () => {
      const alice = await register(server.url, uniqueName('frames'));
      const bob = await register(server.url, uniqueName('frames'));
      const socket = await rawSocket(server.wsUrl, alice.token);
      try {
        for (let i = 0; i < 5; i++) {
          const before = socket.reads();
          const id = `send-${i}`;
          socket.ws.send(
            JSON.stringify({
              id,
              type: 'subscribe',
              payload: { query: SEND, variables: { to: bob.user.id, body: `hi ${i}` } },
            }),
          );
          await socket.until((f) => f.type === 'complete' && f.id === id);
          assert.ok(socket.frames.some((f) => f.type === 'next' && f.id === id));
          assert.equal(socket.reads() - before, 1, `message ${i}: next and complete came in separate reads`);
        }
      } finally {
        socket.ws.close();
      }
    });
  });
}
