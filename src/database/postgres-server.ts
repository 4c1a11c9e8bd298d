import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Logger } from 'pino';
import type { PostgresBinaries } from './postgres-binaries.js';
import type { ServerUser } from './server-user.js';

export const SUPERUSER = 'postgres';
const READY = 'database system is ready to accept connections';
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 30_000;
/** English messages whatever the machine's locale: readiness is read from the log. */
const CHILD_ENV = { ...process.env, LC_ALL: 'C', LC_MESSAGES: 'C', LANG: 'C' };

export interface ClusterSettings {
  binaries: PostgresBinaries;
  user: ServerUser;
  clusterDir: string;
  logger: Logger;
}

/** Creates a cluster in `clusterDir` (which must not hold one) with a password-protected superuser. */
export async function initCluster(settings: ClusterSettings, password: string): Promise<void> {
  const { binaries, user, clusterDir } = settings;
  // initdb reads the password from a file; only the server's user may read it, and only briefly.
  const passwordFile = path.join(tmpdir(), `taskyard-pw-${randomBytes(8).toString('hex')}`);
  await writeFile(passwordFile, `${password}\n`, { mode: 0o600 });
  try {
    await user.own(passwordFile);
    const initdb = spawn(
      binaries.initdb,
      [
        `--pgdata=${clusterDir}`,
        '--auth=scram-sha-256',
        `--username=${SUPERUSER}`,
        `--pwfile=${passwordFile}`,
        '--encoding=UTF8',
        '--no-locale',
      ],
      { ...user.spawnIds, cwd: '/', env: CHILD_ENV, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const output = collectOutput(initdb, settings.logger);
    const end = await ended(initdb, 'close');
    if (end.error) throw new Error(`could not run ${binaries.initdb}: ${end.error.message}`);
    if (end.code !== 0) throw new Error(`initdb failed (exit ${end.code}): ${output.tail()}`);
  } finally {
    await rm(passwordFile, { force: true });
  }
}

/**
 * A running postmaster started by this process. It runs in its own process group, so the Ctrl-C
 * that a terminal sends to the whole foreground group reaches Taskyard alone, which then stops the
 * server last, after its own connections have closed.
 */
export class PostgresServer {
  private constructor(
    private readonly child: ChildProcess,
    private readonly exited: Promise<Ending>,
  ) {}

  static async start(settings: ClusterSettings, port: number): Promise<PostgresServer> {
    const { binaries, user, clusterDir, logger } = settings;
    const child = spawn(
      binaries.postgres,
      [
        '-D',
        clusterDir,
        '-p',
        String(port),
        '-c',
        'listen_addresses=127.0.0.1',
        '-c',
        'unix_socket_directories=',
        '-c',
        'max_connections=200',
      ],
      {
        ...user.spawnIds,
        cwd: '/',
        env: CHILD_ENV,
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const output = collectOutput(child, logger);
    const exited = ended(child, 'exit');
    const stopIfWeExit = (): void => void child.kill('SIGINT');
    process.once('exit', stopIfWeExit);
    void exited.then(() => process.off('exit', stopIfWeExit));

    const outcome = await Promise.race([
      output.waitFor(READY).then(() => 'ready' as const),
      exited,
      delay(START_TIMEOUT_MS).then(() => 'timeout' as const),
    ]);
    if (outcome !== 'ready') {
      child.kill('SIGQUIT');
      const why =
        outcome === 'timeout'
          ? `not ready after ${START_TIMEOUT_MS / 1000} s`
          : (outcome.error?.message ?? output.tail()) || `exit ${outcome.code}`;
      throw new Error(`PostgreSQL did not start: ${why}`);
    }
    return new PostgresServer(child, exited);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Fast shutdown (sessions aborted, then a clean checkpoint); immediate if that hangs. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGINT');
    const stopped = await Promise.race([
      this.exited.then(() => true),
      delay(STOP_TIMEOUT_MS).then(() => false),
    ]);
    if (!stopped) {
      this.child.kill('SIGQUIT');
      await this.exited;
    }
  }
}

/** Forwards a child's output to the debug log and keeps its last lines for error messages. */
function collectOutput(child: ChildProcess, logger: Logger) {
  const lines: string[] = [];
  const waiters: { text: string; resolve: () => void }[] = [];
  const onData = (chunk: Buffer): void => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (!line.trim()) continue;
      logger.debug({ postgres: line.trim() });
      lines.push(line.trim());
      if (lines.length > 20) lines.shift();
      for (const waiter of waiters.filter((w) => line.includes(w.text))) waiter.resolve();
    }
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  return {
    waitFor: (text: string) => new Promise<void>((resolve) => waiters.push({ text, resolve })),
    tail: () => lines.slice(-5).join(' | '),
  };
}

interface Ending {
  code: number | null;
  error?: Error;
}

/** How a child ended: its exit code, or the error that kept it from running at all. */
function ended(child: ChildProcess, event: 'exit' | 'close'): Promise<Ending> {
  return new Promise((resolve) => {
    child.once(event, (code: number | null) => resolve({ code }));
    child.once('error', (error) => resolve({ code: null, error }));
  });
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
