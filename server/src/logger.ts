import pino from 'pino';

export type Logger = pino.Logger;

export function createLogger(level: string): Logger {
  // Asynchronous writes: lines written while a write is under way go out together in the next one, instead
  // of one blocking write per operation. No minimum length, so a quiet process still logs each line at once.
  return pino(
    { level, base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime },
    pino.destination({ dest: 1, sync: false, minLength: 0 }),
  );
}
