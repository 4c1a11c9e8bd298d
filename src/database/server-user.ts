import { execFile } from 'node:child_process';
import { chown } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { promisify } from 'node:util';

const run = promisify(execFile);
const SYSTEM_USER = 'postgres';

/**
 * The operating-system user the embedded server runs as. PostgreSQL refuses to run as root, so a
 * root process runs it as the system user `postgres` (created when missing); anyone else runs it as
 * themselves.
 */
export class ServerUser {
  private constructor(
    /** Set when the server runs as another user than this process. */
    private readonly ids: { uid: number; gid: number } | undefined,
  ) {}

  static async forThisProcess(): Promise<ServerUser> {
    if (userInfo().uid !== 0) return new ServerUser(undefined);
    return new ServerUser((await systemUserIds()) ?? (await createSystemUser()));
  }

  get switched(): boolean {
    return this.ids !== undefined;
  }

  /** spawn() options that run a child as this user. */
  get spawnIds(): { uid?: number; gid?: number } {
    return this.ids ?? {};
  }

  /** Makes `target` this user's (a no-op when the server runs as this process's user). */
  async own(target: string): Promise<void> {
    if (this.ids) await chown(target, this.ids.uid, this.ids.gid);
  }

  /** `<binary> --version` as this user: whether it may execute the binary at all. */
  async canRun(binary: string): Promise<boolean> {
    try {
      await run(binary, ['--version'], { ...this.spawnIds, cwd: '/', timeout: 10_000 });
      return true;
    } catch {
      return false;
    }
  }

  /** Whether this user can enter `dir` (and so reach what lies below it). */
  async canEnter(dir: string): Promise<boolean> {
    if (!this.ids) return true;
    try {
      await run('/bin/sh', ['-c', 'cd "$1"', 'sh', dir], { ...this.ids, cwd: '/' });
      return true;
    } catch {
      return false;
    }
  }
}

async function systemUserIds(): Promise<{ uid: number; gid: number } | undefined> {
  try {
    const [uid, gid] = await Promise.all([
      run('id', ['-u', SYSTEM_USER]),
      run('id', ['-g', SYSTEM_USER]),
    ]);
    return { uid: Number.parseInt(uid.stdout, 10), gid: Number.parseInt(gid.stdout, 10) };
  } catch {
    return undefined;
  }
}

async function createSystemUser(): Promise<{ uid: number; gid: number }> {
  try {
    await run('useradd', [
      '--system',
      '--user-group',
      '--no-create-home',
      '--home-dir',
      '/nonexistent',
      '--shell',
      '/usr/sbin/nologin',
      SYSTEM_USER,
    ]);
  } catch (error) {
    throw new Error(
      `PostgreSQL cannot run as root and the system user "${SYSTEM_USER}" could not be created ` +
        `(${(error as Error).message.split('\n')[0]}): create it, run Taskyard as another user, ` +
        'or set DATABASE_URL',
      { cause: error },
    );
  }
  const ids = await systemUserIds();
  if (!ids) throw new Error(`the system user "${SYSTEM_USER}" was created but cannot be found`);
  return ids;
}
