import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { withFreshDatabase } from './databases.js';

const run = promisify(execFile);

const INSERT =
  'INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES (1, 1, 1, 0, now());';
const SCRIPTS = {
  insert: `${INSERT}\n`,
  insertNotify: `BEGIN;\n${INSERT}\nNOTIFY bench_ceiling;\nCOMMIT;\n`,
};

/** Transactions per second, as text: a number, or "n/a" with the reason. */
export type PgbenchCeiling = Record<keyof typeof SCRIPTS, string>;

function notAvailable(reason: string): PgbenchCeiling {
  return { insert: `n/a (${reason})`, insertNotify: `n/a (${reason})` };
}

async function tps(binary: string, args: string[]): Promise<string> {
  const { stdout } = await run(binary, args);
  const match = /^tps = ([\d.]+)/m.exec(stdout);
  if (!match) throw new Error(`no tps in pgbench output: ${stdout.slice(-200)}`);
  return Math.round(Number(match[1])).toLocaleString('en-US');
}

/**
 * The server's ceiling for what a queue's enqueue does at minimum: single-row INSERT commits from
 * `clients` connections, with and without a NOTIFY in each transaction.
 */
export async function measurePgbenchCeiling(
  serverUrl: string,
  seconds: number,
  clients: number,
): Promise<PgbenchCeiling> {
  const binary = process.env.PGBENCH || 'pgbench';
  try {
    await run(binary, ['--version']);
  } catch {
    return notAvailable(`${binary} not found`);
  }
  const dir = await mkdtemp(path.join(tmpdir(), 'bench-pgbench-'));
  try {
    return await withFreshDatabase(serverUrl, ['pgbench'], async (url) => {
      await run(binary, ['-i', '-s', '1', '-q', url]);
      const threads = String(Math.min(clients, availableParallelism()));
      const ceiling: PgbenchCeiling = { insert: '', insertNotify: '' };
      for (const [name, script] of Object.entries(SCRIPTS) as [keyof PgbenchCeiling, string][]) {
        const file = path.join(dir, `${name}.sql`);
        await writeFile(file, script);
        const args = [
          '-n',
          '-c',
          String(clients),
          '-j',
          threads,
          '-T',
          String(seconds),
          '-f',
          file,
        ];
        ceiling[name] = await tps(binary, [...args, url]);
      }
      return ceiling;
    });
  } catch (error) {
    return notAvailable(error instanceof Error ? error.message.split('\n')[0] : String(error));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
