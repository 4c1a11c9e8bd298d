// Plain JavaScript on the built code: jest loads global setup outside its module transform, so it
// cannot import the TypeScript sources. `npm test` builds dist/ first.
import { chmod, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { EmbeddedPostgres } from '../../dist/database/embedded-postgres.js';
import { createRootLogger } from '../../dist/logging/root-logger.js';

/** Keep in step with ADMIN_URL_VARIABLE in database.ts. */
const ADMIN_URL_VARIABLE = 'TASKYARD_TEST_ADMIN_URL';

/**
 * One PostgreSQL server for the whole run: DATABASE_URL when it is set, else an embedded server in
 * a temporary directory. Each test file then makes its own database on it.
 */
export default async function globalSetup() {
  if (process.env.DATABASE_URL) {
    process.env[ADMIN_URL_VARIABLE] = process.env.DATABASE_URL;
    return;
  }
  const dataDir = await mkdtemp(path.join(tmpdir(), 'taskyard-test-pg-'));
  // mkdtemp makes it private; as root, the server runs as "postgres", which must enter it.
  await chmod(dataDir, 0o755);
  globalThis.embeddedPostgresDir = dataDir;
  globalThis.embeddedPostgres = await EmbeddedPostgres.start(
    dataDir,
    createRootLogger('warn', false),
  );
  process.env[ADMIN_URL_VARIABLE] = globalThis.embeddedPostgres.url;
}
