import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';

/** Past this many bytes queued on a socket, a frame counts as sent only once it is written (backpressure). */
const HIGH_WATER_BYTES = 256 * 1024;

type SendCallback = (err?: Error) => void;

/**
 * graphql-ws waits for each frame's write to finish before it sends the next, so a result's `next` and its
 * `complete` left in two writes (two syscalls, two TCP segments, two wake-ups of the client). Here a frame
 * counts as sent once it is queued on the socket while little is waiting, and the frames queued before the
 * event loop's next check phase leave together in one write. Order is kept: frames are queued as they come.
 * Write errors still surface as the socket's close, as they did.
 */
export function coalesceSends(ws: WebSocket): void {
  const raw = (ws as unknown as { _socket?: Socket })._socket;
  if (!raw) return;
  const send = ws.send.bind(ws) as (data: unknown, options?: object, cb?: SendCallback) => void;
  let corked = false;
  const replacement = (data: unknown, options?: object | SendCallback, cb?: SendCallback) => {
    const done = typeof options === 'function' ? (options as SendCallback) : cb;
    const opts = typeof options === 'function' ? {} : (options ?? {});
    if (!corked && ws.readyState === ws.OPEN) {
      corked = true;
      raw.cork();
      setImmediate(() => {
        corked = false;
        raw.uncork();
      });
    }
    if (!done || ws.readyState !== ws.OPEN || ws.bufferedAmount > HIGH_WATER_BYTES) {
      send(data, opts, done);
      return;
    }
    send(data, opts);
    queueMicrotask(() => done());
  };
  ws.send = replacement as WebSocket['send'];
}
