import 'reflect-metadata';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { loadConfigOrExit, repoRoot } from './config';
import { StartupError } from './errors';
import { startHttpServer } from './http/app';
import { createLogger } from './logger';
import { buildParleySchema } from './schema/build-schema';
import { createServices } from './services';
import { jobGrace, logStrayRejections, stopOnSignals } from './shutdown';
import { welcomeText } from './welcome';

async function main() {
  const envFile = path.join(repoRoot, '.env');
  // Variables already set win; tests set everything themselves.
  if (process.env.NODE_ENV !== 'test' && existsSync(envFile)) process.loadEnvFile(envFile);
  const config = loadConfigOrExit();
  const log = createLogger(config.LOG_LEVEL);
  logStrayRejections(log);
  const services = await createServices(config, log, { api: true, worker: config.ROLE !== 'api' });
  const http = await startHttpServer(services, await buildParleySchema());
  log.info({ url: http.url }, `Parley is running at ${http.url} (GraphQL IDE at ${http.url}/graphql)`);
  // `npm start` (scripts/start.mjs) asks for a plain summary at the end of start-up.
  if (process.env.PARLEY_WELCOME === 'true') console.log(welcomeText(config, http.url, services.studies.catalog));

  stopOnSignals(log, config.SHUTDOWN_TIMEOUT_SECONDS, async (deadline) => {
    // Stop accepting, answer what is running, close sockets with 1012 ("reconnect"); then jobs, Redis, database.
    await http.close().catch((err: unknown) => log.error({ err }, 'error closing the server'));
    log.debug('server closed');
    await services.close(jobGrace(deadline));
  });
}

main().catch((error: unknown) => {
  console.error(error instanceof StartupError ? error.message : error);
  process.exit(1);
});
