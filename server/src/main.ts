import 'reflect-metadata';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { loadConfigOrExit, repoRoot } from './config';
import { StartupError } from './errors';
import { startHttpServer } from './http/app';
import { createLogger } from './logger';
import { buildParleySchema } from './schema/build-schema';
import { createServices } from './services';

async function main() {
  const envFile = path.join(repoRoot, '.env');
  // Variables already set win; tests set everything themselves.
  if (process.env.NODE_ENV !== 'test' && existsSync(envFile)) process.loadEnvFile(envFile);
  const config = loadConfigOrExit();
  const log = createLogger(config.LOG_LEVEL);
  const services = await createServices(config, log, { api: true, worker: config.ROLE !== 'api' });
  const http = await startHttpServer(services, await buildParleySchema());
  log.info({ url: http.url }, `Parley is running at ${http.url} (GraphQL IDE at ${http.url}/graphql)`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 10_000).unref();
    await http.close().catch((err: unknown) => log.error({ err }, 'error closing the server'));
    log.debug('server closed');
    await services.close().catch((err: unknown) => log.error({ err }, 'error closing services'));
    log.debug('services closed');
    clearTimeout(force);
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((error: unknown) => {
  console.error(error instanceof StartupError ? error.message : error);
  process.exit(1);
});
