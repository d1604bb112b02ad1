import pino from 'pino';

export type Logger = pino.Logger;

/** How long a log line may wait for others to share its write. */
const FLUSH_MS = 100;

export function createLogger(level: string): Logger {
  // Lines are gathered up to 4 KB (or for FLUSH_MS) and written together: one write per operation was about
  // 4% of a busy API's CPU. pino flushes what is left synchronously when the process exits.
  const destination = pino.destination({ dest: 1, sync: false, minLength: 4096 });
  setInterval(() => {
    try {
      destination.flush();
    } catch {
      // closed at exit, or a write already under way: the next tick or the exit flush takes the rest
    }
  }, FLUSH_MS).unref();
  return pino({ level, base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime }, destination);
}
