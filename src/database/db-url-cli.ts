import { loadConfig } from '../config/load-config.js';
import { createRootLogger } from '../logging/root-logger.js';
import { EmbeddedPostgres } from './embedded-postgres.js';

/**
 * `npm run --silent db:url`: the URL of the database Taskyard uses — DATABASE_URL, or the embedded
 * server of the Taskyard running on this DATA_DIR — so that `psql "$(npm run --silent db:url)"`
 * opens a session on it.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const url =
    config.database.url ??
    (await EmbeddedPostgres.urlOfRunning(config.dataDir, createRootLogger('silent', false)));
  if (!url) {
    throw new Error(
      `no embedded PostgreSQL runs under ${config.dataDir}: start Taskyard first (npm start), ` +
        'or set DATABASE_URL',
    );
  }
  process.stdout.write(`${url}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
