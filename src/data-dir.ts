import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { StartupError } from './startup-failure.js';

/**
 * DATA_DIR exists and takes writes, in every role and with any database: uploads, artifacts and
 * the readiness probe all need it. Made at start-up so a fresh clone with DATABASE_URL set works.
 */
export async function prepareDataDir(dataDir: string): Promise<void> {
  try {
    await mkdir(dataDir, { recursive: true });
    const probe = path.join(dataDir, `.start-probe-${process.pid}`);
    await writeFile(probe, '');
    await rm(probe);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new StartupError(
      `DATA_DIR ${dataDir} cannot be created or written (${code}): give this user write access ` +
        'to it, or set DATA_DIR to another folder',
      { cause: error },
    );
  }
}
