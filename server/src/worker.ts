import 'reflect-metadata';
import { loadConfigOrExit } from './config';
import { StartupError } from './errors';
import { createLogger } from './logger';
import { createServices } from './services';

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
  const services = await createServices(config, log, { api: false, worker: true });
  log.info({ concurrency: config.WORKER_CONCURRENCY }, 'worker is running');
  const stop = async () => {
    const force = setTimeout(() => process.exit(1), 10_000).unref();
    await services.close().catch((err: unknown) => log.error({ err }, 'error closing the worker'));
    clearTimeout(force);
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
}

main().catch((error: unknown) => {
  console.error(error instanceof StartupError ? error.message : error);
  process.exit(1);
});
