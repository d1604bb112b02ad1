// The heap a process retains, read from outside through its inspector (started with --inspect=127.0.0.1:0):
// a full garbage collection first, then the heap in use. No hook in the server.
import WebSocket from 'ws';

/** The inspector's WebSocket URL, from the "Debugger listening on ws://..." line a process prints. */
export function inspectorUrl(output) {
  return /Debugger listening on (ws:\/\/\S+)/.exec(output)?.[1];
}

/**
 * KB of heap in use right after a full GC, or undefined when the inspector cannot be reached (a process
 * out of file descriptors at the top rung cannot accept one more connection).
 */
export async function heapAfterGcKb(url, timeoutMs = 60_000) {
  const socket = new WebSocket(url);
  socket.on('error', () => {}); // 'close' follows, and says enough
  const opened = await new Promise((resolve) => {
    socket.once('open', () => resolve(true));
    socket.once('close', () => resolve(false));
  });
  if (!opened) return undefined;
  let next = 0;
  const call = (method) =>
    new Promise((resolve, reject) => {
      const id = ++next;
      const timer = setTimeout(() => reject(new Error(`${method} took over ${timeoutMs} ms`)), timeoutMs);
      const onMessage = (data) => {
        const message = JSON.parse(String(data));
        if (message.id !== id) return;
        clearTimeout(timer);
        socket.off('message', onMessage);
        if (message.error) reject(new Error(`${method}: ${message.error.message}`));
        else resolve(message.result);
      };
      socket.on('message', onMessage);
      socket.send(JSON.stringify({ id, method }));
    });
  try {
    await call('HeapProfiler.collectGarbage');
    const { usedSize } = await call('Runtime.getHeapUsage');
    return usedSize / 1024;
  } catch {
    return undefined;
  } finally {
    socket.close();
  }
}
