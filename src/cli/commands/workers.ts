import { type Command, Option } from 'commander';
import type { WorkerProcess, WorkerStatus } from '../../client/index.js';
import type { ContextOf } from '../context.js';
import { print, printJson, table, utc } from '../output.js';

/** The registry of worker processes through the admin route (admin keys only). */
export function addWorkersCommand(program: Command, contextOf: ContextOf): void {
  program
    .command('workers')
    .description(
      'the worker processes, newest first: status, host, pid, version, jobs running, types (admin keys only)',
    )
    .addOption(
      new Option('--status <status>', 'only the alive or only the gone ones').choices([
        'alive',
        'gone',
      ]),
    )
    .action(async (flags: { status?: WorkerStatus }, command: Command) => {
      const context = contextOf(command);
      const client = await context.client();
      const list = await client.listWorkers({ status: flags.status }, { signal: context.signal });
      if (context.json) printJson(list);
      else print(workersTable(list));
    });
}

function workersTable(list: WorkerProcess[]): string {
  return table(
    ['id', 'status', 'role', 'host', 'pid', 'version', 'started', 'last seen', 'running', 'types'],
    list.map((w) => [
      w.id,
      w.status,
      w.role,
      w.host,
      String(w.pid),
      w.version,
      utc(w.startedAt),
      utc(w.lastSeenAt),
      `${w.inFlight}/${w.concurrency}`,
      w.types.join(','),
    ]),
  );
}
