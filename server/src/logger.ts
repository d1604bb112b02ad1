import pino from 'pino';

export type Logger = pino.Logger;

/** Lines wait in memory until this many bytes, or until the next periodic flush, whichever comes first. */
const BUFFER_BYTES = 4096;
const FLUSH_EVERY_MS = 100;

export function createLogger(level: string): Logger {
  // Asynchronous, buffered writes: a busy process writes its lines in 4 KB batches instead of one write (and a
  // thread-pool round trip) per operation, and a quiet one within 100 ms. On exit the buffer is written out
  // (pino flushes on 'exit'); only a SIGKILL can lose the last 100 ms of lines.
  return pino(
    { level, base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime },
    pino.destination({ dest: 1, sync: false, minLength: BUFFER_BYTES, periodicFlush: FLUSH_EVERY_MS }),
  );
}
