import { cpus, loadavg } from 'node:os';
import { messageOf } from './console.js';
import { describeServer } from './databases.js';

/** The load averages (1, 5, 15 min), for the report. */
export function loadAverage(): string {
  return loadavg()
    .map((value) => value.toFixed(2))
    .join(' ');
}

/** What a benchmark ran on: CPUs, Node, the load when it started, the PostgreSQL server. */
export async function machineLines(serverUrl: string): Promise<string[]> {
  const server = await describeServer(serverUrl).catch(
    (error: unknown) => `PostgreSQL: ${messageOf(error)}`,
  );
  return [
    `${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), Node ${process.version}, load average at start ${loadAverage()}`,
    `${server}, at ${new URL(serverUrl).host}`,
  ];
}
