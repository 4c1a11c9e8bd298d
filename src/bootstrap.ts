import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Logger } from 'pino';
import type { AppExtraModules } from './app.module.js';
import { createApp } from './app.js';
import { ApiKeysBootstrap } from './auth/api-keys.bootstrap.js';
import type { AppConfig } from './config/app-config.js';
import { ConfigError, loadConfig } from './config/load-config.js';
import { prepareDataDir } from './data-dir.js';
import { EmbeddedPostgres } from './database/embedded-postgres.js';
import { createRootLogger } from './logging/root-logger.js';
import { stopOnSignals } from './shutdown.js';
import { printBanner } from './banner.js';
import { describeStartupFailure } from './startup-failure.js';

/**
 * Starts the service: settings, DATA_DIR, database (embedded when no DATABASE_URL), application,
 * signals. A failure on the way prints one line saying what failed and what to do, and exits 1.
 */
export async function runService(extraModules: AppExtraModules = {}): Promise<void> {
  let config: AppConfig;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return exitWith(error.message);
  }
  const logger = createRootLogger(config.logLevel);
  const startedAt = performance.now();
  let embedded: EmbeddedPostgres | undefined;
  let app: NestExpressApplication | undefined;
  try {
    await prepareDataDir(config.dataDir);
    if (!config.database.url) {
      embedded = await EmbeddedPostgres.start(config.dataDir, logger);
      config = config.withDatabaseUrl(embedded.url);
    }
    app = await createApp(config, logger, extraModules);
    stopOnSignals(app, embedded, config.shutdownGraceMs, logger);
    await app.listen(config.port, config.host);
  } catch (error) {
    logger.debug({ err: error }, 'start-up failed');
    await app?.close().catch(() => undefined);
    await embedded?.stop().catch(() => undefined);
    return exitWith(`Taskyard could not start: ${describeStartupFailure(error, config)}`);
  }
  announce(app, config, logger, Math.round(performance.now() - startedAt));
}

function announce(
  app: NestExpressApplication,
  config: AppConfig,
  logger: Logger,
  startupMs: number,
): void {
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const base = `http://${config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host}:${port}`;
  logger.info({ port, role: config.role, startupMs }, `Taskyard listening on ${base}`);
  const adminKey = config.runsApi
    ? app.get(ApiKeysBootstrap, { strict: false }).createdKey
    : undefined;
  printBanner({ base, config, adminKey, logger, terminal: process.stdout.isTTY });
}

function exitWith(line: string): never {
  process.stderr.write(`${line}\n`);
  process.exit(1);
}
