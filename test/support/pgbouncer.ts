import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe } from '@jest/globals';
import { Client } from 'pg';
import { waitFor } from './wait.js';

/** Debian's pgbouncer package (.ci/run installs it); PGBOUNCER_PATH names another binary. */
export const PGBOUNCER_PATH = process.env.PGBOUNCER_PATH ?? '/usr/sbin/pgbouncer';
const HAS_PGBOUNCER = existsSync(PGBOUNCER_PATH);

/** `describe` for tests through PgBouncer: skipped, and said so, where there is no binary. */
export const describeWithPgBouncer = HAS_PGBOUNCER ? describe : describe.skip;
if (!HAS_PGBOUNCER) {
  console.warn(`PgBouncer tests skipped: no pgbouncer at ${PGBOUNCER_PATH} (set PGBOUNCER_PATH)`);
}

export interface PgBouncer {
  /** `server` (a postgres:// URL with its database) as reached through the pooler. */
  url: string;
  /** The same server's other database `name`, through the pooler. */
  urlFor(name: string): string;
  /** Transactions the pooler has passed to `database` (its SHOW STATS). */
  transactions(database: string): Promise<number>;
  /** 1.21 and later keep protocol-level prepared statements (max_prepared_statements). */
  keepsPreparedStatements: boolean;
  version: string;
  stop(): Promise<void>;
}

/**
 * A pgbouncer process of the test's own in transaction pooling mode, in front of `server`'s
 * databases (any name: a `*` entry): a generated ini in a temporary folder, trust for clients, a free port. PgBouncer
 * refuses to run as root, so as root it drops to `nobody`.
 */
export async function startPgBouncer(server: string): Promise<PgBouncer> {
  const version = pgbouncerVersion();
  const keepsPreparedStatements = atLeast(version, [1, 21]);
  const target = new URL(server);
  const user = decodeURIComponent(target.username || 'postgres');
  const dir = await mkdtemp(path.join(tmpdir(), 'taskyard-pgbouncer-'));
  await chmod(dir, 0o755);
  const port = await freePort();
  const backend = [
    `host=${target.hostname}`,
    `port=${target.port || '5432'}`,
    `user=${user}`,
    ...(target.password ? [`password=${decodeURIComponent(target.password)}`] : []),
  ].join(' ');
  const ini = [
    '[databases]',
    `* = ${backend}`,
    '[pgbouncer]',
    'listen_addr = 127.0.0.1',
    `listen_port = ${port}`,
    'unix_socket_dir =',
    'auth_type = trust',
    `admin_users = ${user}`,
    `auth_file = ${path.join(dir, 'users.txt')}`,
    'pool_mode = transaction',
    'default_pool_size = 10',
    ...(keepsPreparedStatements ? ['max_prepared_statements = 100'] : []),
  ].join('\n');
  await writeFile(path.join(dir, 'users.txt'), `"${user}" ""\n`, { mode: 0o644 });
  await writeFile(path.join(dir, 'pgbouncer.ini'), `${ini}\n`, { mode: 0o644 });
  const asRoot = process.getuid?.() === 0 ? ['-u', 'nobody'] : [];
  const child = spawn(PGBOUNCER_PATH, [...asRoot, path.join(dir, 'pgbouncer.ini')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  child.stderr?.on('data', (chunk: Buffer) => (log = (log + chunk.toString()).slice(-4000)));
  const url = new URL(server);
  url.port = String(port);
  url.password = '';
  url.search = '';
  const urlFor = (name: string) => {
    const other = new URL(url);
    other.pathname = `/${name}`;
    return other.toString();
  };
  const stop = async () => {
    await stopProcess(child);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(`pgbouncer on port ${port}`, () => {
      if (child.exitCode !== null) throw new Error(`pgbouncer exited: ${log}`);
      return canQuery(url.toString());
    });
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    url: url.toString(),
    urlFor,
    transactions: (name) => transactionsOf(urlFor('pgbouncer'), name),
    keepsPreparedStatements,
    version,
    stop,
  };
}

/** The admin console speaks the simple protocol only: a query without parameters. */
async function transactionsOf(adminConsole: string, database: string): Promise<number> {
  const client = new Client({ connectionString: adminConsole });
  await client.connect();
  try {
    const { rows } = await client.query<{ database: string; total_xact_count: string }>(
      'SHOW STATS',
    );
    return Number(rows.find((row) => row.database === database)?.total_xact_count ?? 0);
  } finally {
    await client.end();
  }
}

function pgbouncerVersion(): string {
  const output = execFileSync(PGBOUNCER_PATH, ['--version'], { encoding: 'utf8' });
  const match = /PgBouncer (\d+\.\d+(?:\.\d+)?)/.exec(output);
  if (!match?.[1]) throw new Error(`cannot read pgbouncer's version from: ${output}`);
  return match[1];
}

function atLeast(version: string, [major, minor]: [number, number]): boolean {
  const [a = 0, b = 0] = version.split('.').map(Number);
  return a > major || (a === major && b >= minor);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(),
      );
    });
  });
}

async function canQuery(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}
