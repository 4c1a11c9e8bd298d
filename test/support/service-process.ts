import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ENTRIES = {
  /** The service as `npm start` runs it. */
  main: fileURLToPath(new URL('../../dist/main.js', import.meta.url)),
  /** The service plus the test job handlers (test/support/worker-child.ts, built by `npm test`). */
  testWorker: fileURLToPath(
    new URL('../../dist-test/test/support/worker-child.js', import.meta.url),
  ),
};

export interface ServiceProcess {
  child: ChildProcess;
  /** Every line the process wrote to stdout and stderr so far. */
  lines: string[];
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<string>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface SpawnOptions {
  /** Another copy of the built service's entry point (a clone elsewhere on disk). */
  script?: string;
  cwd?: string;
  /** Its own process group, so that a signal can go to the whole group as a terminal sends it. */
  detached?: boolean;
}

/**
 * Runs the built service (dist/main.js) as a child process with exactly the given environment
 * (plus PATH and HOME), so no setting of the test run leaks into it.
 */
export function spawnService(
  env: Record<string, string>,
  entry: keyof typeof ENTRIES = 'main',
  options: SpawnOptions = {},
): ServiceProcess {
  const child = spawn(process.execPath, [options.script ?? ENTRIES[entry]], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    cwd: options.cwd,
    detached: options.detached,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const waiters: { pattern: RegExp; resolve: (line: string) => void }[] = [];
  const onData = (chunk: Buffer): void => {
    for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
      lines.push(line);
      for (const waiter of waiters.filter((w) => w.pattern.test(line))) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(line);
      }
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );

  const waitForLine = (pattern: RegExp, timeoutMs = 60_000): Promise<string> => {
    const seen = lines.find((line) => pattern.test(line));
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(`no line matching ${pattern} within ${timeoutMs} ms:\n${lines.join('\n')}`),
          ),
        timeoutMs,
      );
      waiters.push({
        pattern,
        resolve: (line) => {
          clearTimeout(timer);
          resolve(line);
        },
      });
      void exited.then(({ code, signal }) => {
        clearTimeout(timer);
        reject(new Error(`exited (${code ?? signal}) before ${pattern}:\n${lines.join('\n')}`));
      });
    });
  };
  return { child, lines, waitForLine, exited };
}

/** A worker process under test: the test's database and data folder, a free port on loopback. */
export function workerSettings(databaseUrl: string, dataDir: string): Record<string, string> {
  return {
    DATABASE_URL: databaseUrl,
    DATA_DIR: dataDir,
    PORT: '0',
    HOST: '127.0.0.1',
    ROLE: 'worker',
  };
}

/** The port a service reported in its "listening" log line. */
export async function listeningPort(service: ServiceProcess): Promise<number> {
  const line = await service.waitForLine(/Taskyard listening on/);
  return (JSON.parse(line) as { port: number }).port;
}
