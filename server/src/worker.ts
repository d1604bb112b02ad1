import 'reflect-metadata';
import { loadConfigOrExit } from './config';
import { StartupError } from './errors';
import { createLogger } from './logger';
import { createServices } from './services';
import { jobGrace, logStrayRejections, stopOnSignals } from './shutdown';

// `npm run worker`: runs model calls from the BullMQ queue; start as many as you like, on any host.
async function main() {
  const config = loadConfigOrExit();
  if (!config.REDIS_URL) {
    console.error(
      'Invalid configuration: REDIS_URL is required for a separate worker (without it, `npm start` runs jobs itself)',
    );
    process.exit(1);
  }
  const log = createLogger(config.LOG_LEVEL).child({ role: 'worker' });
  logStrayRejections(log);
  const services = await createServices(config, log, { api: false, worker: true });
  log.info({ concurrency: config.WORKER_CONCURRENCY }, 'worker is running');
  // Running jobs finish (or go back to the queue when the budget runs out); then Redis and the database close.
  stopOnSignals(log, config.SHUTDOWN_TIMEOUT_SECONDS, (deadline) => services.close(jobGrace(deadline)));
}

main().catch((error: unknown) => {
  console.error(error instanceof StartupError ? error.message : error);
  process.exit(1);
});
