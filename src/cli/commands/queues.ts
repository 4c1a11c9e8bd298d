import type { Command } from 'commander';
import type { QueueInfo } from '../../client/index.js';
import type { ContextOf } from '../context.js';
import { print, printJson, table } from '../output.js';

/** The job queues through the admin routes (admin keys only). */
export function addQueuesCommands(program: Command, contextOf: ContextOf): void {
  const queues = program.command('queues').description('the job queues (admin keys only)');

  queues
    .command('list')
    .description('each queue: paused or not, jobs by state, the oldest waiting job')
    .action(async (_flags: object, command: Command) => {
      const context = contextOf(command);
      const client = await context.client();
      const list = await client.listQueues({ signal: context.signal });
      if (context.json) printJson(list);
      else print(queuesTable(list));
    });

  for (const [name, paused] of [
    ['pause', true],
    ['resume', false],
  ] as const) {
    queues
      .command(name)
      .description(paused ? 'stop claiming jobs from a queue' : 'claim jobs from a queue again')
      .argument('<queue>', 'the queue name (from queues list)')
      .action(async (queue: string, _flags: object, command: Command) => {
        const context = contextOf(command);
        const client = await context.client();
        const options = { signal: context.signal };
        const info = paused
          ? await client.pauseQueue(queue, options)
          : await client.resumeQueue(queue, options);
        if (context.json) printJson(info);
        else print(`queue ${queue} ${paused ? 'paused' : 'resumed'}`);
      });
  }
}

function queuesTable(list: QueueInfo[]): string {
  const states = [...new Set(list.flatMap((q) => Object.keys(q.counts)))];
  return table(
    ['name', 'paused', ...states, 'oldest waiting'],
    list.map((q) => {
      const counts: Record<string, number> = q.counts;
      return [
        q.name,
        q.paused ? 'yes' : 'no',
        ...states.map((s) => String(counts[s] ?? 0)),
        q.oldestQueuedAgeSeconds === null ? '-' : `${q.oldestQueuedAgeSeconds} s`,
      ];
    }),
  );
}
