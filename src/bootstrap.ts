import type { AppExtraModules } from './app.module.js';
import { createApp } from './app.js';
import { ConfigError, loadConfig } from './config/load-config.js';
import { EmbeddedPostgres } from './database/embedded-postgres.js';
import { createRootLogger } from './logging/root-logger.js';
import { stopOnSignals } from './shutdown.js';

/** Starts the service: settings, database (embedded when no DATABASE_URL), application, signals. */
export async function runService(extraModules: AppExtraModules = {}): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  const logger = createRootLogger(config.logLevel);
  const startedAt = performance.now();

  const embedded = config.database.url
    ? undefined
    : await EmbeddedPostgres.start(config.dataDir, logger);
  if (embedded) config = config.withDatabaseUrl(embedded.url);

  const app = await createApp(config, logger, extraModules);
  stopOnSignals(app, embedded, config.shutdownGraceMs, logger);
  await app.listen(config.port, config.host);

  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  logger.info(
    { port, role: config.role, startupMs: Math.round(performance.now() - startedAt) },
    `Taskyard listening on http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${port}`,
  );
}
