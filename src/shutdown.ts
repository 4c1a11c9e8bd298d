import type { INestApplication } from '@nestjs/common';
import type { Logger } from 'pino';
import type { EmbeddedPostgres } from './database/embedded-postgres.js';

// SIGHUP: the terminal that ran `npm start` was closed.
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * On SIGINT, SIGTERM or SIGHUP: close the application (Nest's shutdown hooks, then the HTTP server, then the
 * database pool), then stop the embedded PostgreSQL, all within `graceMs`; past it, exit anyway.
 * Nest's enableShutdownHooks() is not used because it cannot order a step after the pool closes.
 */
export function stopOnSignals(
  app: INestApplication,
  embedded: EmbeddedPostgres | undefined,
  graceMs: number,
  logger: Logger,
): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting at once');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal, graceMs }, 'shutting down');
    const deadline = setTimeout(() => {
      logger.error({ graceMs }, 'shutdown grace period over: exiting with work unfinished');
      process.exit(1);
    }, graceMs);
    deadline.unref();
    void (async () => {
      try {
        await app.close();
        await embedded?.stop();
        logger.info('shut down cleanly');
        process.exit(0);
      } catch (error) {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      }
    })();
  };
  for (const signal of SIGNALS) process.on(signal, stop);
}
