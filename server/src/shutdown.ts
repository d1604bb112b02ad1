import type { Logger } from './logger';

/**
 * SIGTERM/SIGINT run `stop` once, with the deadline it must meet; the process then exits 0. Should `stop`
 * overrun SHUTDOWN_TIMEOUT_SECONDS, the process ends with code 1 (work not finished goes back to the queue).
 */
export function stopOnSignals(log: Logger, timeoutSeconds: number, stop: (deadline: number) => Promise<void>) {
  let stopping = false;
  const run = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    const deadline = Date.now() + timeoutSeconds * 1000;
    log.info({ signal, timeoutSeconds }, 'shutting down');
    setTimeout(() => {
      log.error({ timeoutSeconds }, 'shutdown did not finish in time: exiting anyway');
      process.exit(1);
    }, timeoutSeconds * 1000).unref();
    await stop(deadline).catch((err: unknown) => log.error({ err }, 'error while shutting down'));
    log.info('shut down');
    process.exit(0);
  };
  process.on('SIGTERM', () => void run('SIGTERM'));
  process.on('SIGINT', () => void run('SIGINT'));
}

/** A promise nobody caught is a bug to log, not a reason to drop every socket and job of this process. */
export function logStrayRejections(log: Logger) {
  process.on('unhandledRejection', (reason) => log.error({ err: reason }, 'unhandled promise rejection'));
}

/** What is left of the shutdown budget for running jobs, keeping a margin for closing the rest. */
export const jobGrace = (deadline: number) => Math.max(0, deadline - Date.now() - 1500);
