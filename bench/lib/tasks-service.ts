import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDatabase, dropDatabase, uniqueDatabaseName } from './databases.js';
import { HttpClient } from './tasks-http.js';

/** Compiled service entry: dist-bench/bench/lib → the repository root's dist/main.js. */
export const SERVICE_ENTRY = fileURLToPath(new URL('../../../dist/main.js', import.meta.url));

/** The admin key the service is started with (ADMIN_API_KEY); the clients use it. */
export const BENCH_ADMIN_KEY = 'bench-tasks-admin-key-0123456789abcdef';

export interface ServiceSettings {
  workerConcurrency: number;
  workerPrefetch: number;
  poolSize: number;
  cpuProfileDir?: string;
  nodeArgs?: string[];
  /** Variables over the ones below, e.g. a rate limit to measure. */
  env?: Record<string, string>;
}

/** The variables the service runs with, secrets and paths left out: for the report. */
export function serviceEnvironment(settings: ServiceSettings): Record<string, string> {
  return {
    ROLE: 'all',
    HOST: '127.0.0.1',
    RATE_LIMIT_PER_MINUTE: '0',
    LOG_LEVEL: 'warn',
    WORKER_CONCURRENCY: String(settings.workerConcurrency),
    WORKER_PREFETCH: String(settings.workerPrefetch),
    DATABASE_POOL_SIZE: String(settings.poolSize),
    ...settings.env,
  };
}

export interface RunningService {
  pid: number;
  baseUrl: string;
  dataDir: string;
  databaseUrl: string;
  /** Log lines (LOG_LEVEL=warn: warnings and errors only). */
  lines: string[];
  client: HttpClient;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  server.close();
  await once(server, 'close');
  return port;
}

/** Polls GET /health/ready until it answers 200; fails if the child exits or after 60 s. */
export async function waitUntilReady(
  client: HttpClient,
  child: ChildProcess,
  lines: string[],
): Promise<void> {
  const deadline = performance.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`the service exited at start-up:\n${lines.slice(-20).join('\n')}`);
    }
    const ready = await client
      .request('GET', '/health/ready')
      .then((response) => response.status === 200)
      .catch(() => false);
    if (ready) return;
    if (performance.now() > deadline) {
      throw new Error(`the service was not ready within 60 s:\n${lines.slice(-20).join('\n')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  await exited;
  clearTimeout(timer);
}

/**
 * Starts `node <args>` with exactly `env` (plus PATH and HOME), keeping its last 1,000 lines of
 * output (stdout and stderr).
 */
export function spawnNode(
  args: string[],
  options: { cwd?: string; env: Record<string, string> },
): { child: ChildProcess; lines: string[] } {
  const child = spawn(process.execPath, args, {
    // Exactly these variables (no .env file is read: the working directory has none of its own).
    cwd: options.cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const keep = (chunk: Buffer): void => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (line.trim()) lines.push(line.length > 500 ? `${line.slice(0, 500)}…` : line);
    }
    if (lines.length > 1000) lines.splice(0, lines.length - 1000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return { child, lines };
}

/**
 * Starts `node dist/main.js` on a fresh database of the server at `serverUrl`, with its DATA_DIR
 * at `dataDir` (created here, removed by stop()), on a free port; resolves once /health/ready
 * answers 200. stop() ends the process with SIGTERM and drops the database.
 */
export async function startService(
  serverUrl: string,
  name: string,
  dataDir: string,
  settings: ServiceSettings,
): Promise<RunningService> {
  const database = uniqueDatabaseName('tasks', name);
  const databaseUrl = await createDatabase(serverUrl, database);
  await mkdir(dataDir, { recursive: true });
  const port = await freePort();
  const nodeArgs = settings.cpuProfileDir
    ? [
        '--cpu-prof',
        `--cpu-prof-dir=${settings.cpuProfileDir}`,
        `--cpu-prof-name=${name}.cpuprofile`,
      ]
    : [];
  const { child, lines } = spawnNode([...nodeArgs, ...(settings.nodeArgs ?? []), SERVICE_ENTRY], {
    cwd: dataDir,
    env: {
      ...serviceEnvironment(settings),
      PORT: String(port),
      DATABASE_URL: databaseUrl,
      DATA_DIR: dataDir,
      ADMIN_API_KEY: BENCH_ADMIN_KEY,
    },
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  const client = new HttpClient(baseUrl, BENCH_ADMIN_KEY);
  const stop = async (): Promise<void> => {
    client.close();
    await stopChild(child);
    await dropDatabase(serverUrl, database);
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    await waitUntilReady(client, child, lines);
  } catch (error) {
    await stop();
    throw error;
  }
  return { pid: child.pid ?? 0, baseUrl, dataDir, databaseUrl, lines, client, stop };
}

/** Where a service of this run keeps its data: `<work dir>/data-<name>`. */
export function dataDirOf(workDir: string, name: string): string {
  return path.join(workDir, `data-${name}`);
}
