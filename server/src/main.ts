import 'reflect-metadata';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, loadConfig, repoRoot } from './config';
import { startHttpServer } from './http/app';
import { createLogger } from './logger';
import { buildParleySchema } from './schema/build-schema';
import { createServices } from './services';

async function main() {
  const envFile = path.join(repoRoot, '.env');
  // Variables already set win; tests set everything themselves.
  if (process.env.NODE_ENV !== 'test' && existsSync(envFile)) process.loadEnvFile(envFile);
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  const log = createLogger(config.LOG_LEVEL);
  const services = await createServices(config, log);
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
  console.error(error);
  process.exit(1);
});
