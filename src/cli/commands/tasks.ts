import type { Command } from 'commander';
import type { ListTasksQuery, Task, TaskStatus, Taskyard } from '../../client/index.js';
import type { ContextOf } from '../context.js';
import { eventDetail } from '../event-text.js';
import { print, printJson, table, utc } from '../output.js';
import { integer } from '../parse.js';
import { taskDetails, tasksTable } from '../task-view.js';

export function addTasksCommands(program: Command, contextOf: ContextOf): void {
  const tasks = program
    .command('tasks')
    .description('list, inspect, cancel, retry and delete tasks');

  tasks
    .command('list')
    .description('tasks newest first, one page (--all: every page)')
    .option('--status <statuses>', 'comma-separated: queued,running,succeeded,failed,cancelled')
    .option('--type <type>', 'only tasks of this type')
    .option('--limit <n>', 'tasks per page (1-100)', integer, 20)
    .option('--cursor <cursor>', 'the page after this cursor (from the previous page)')
    .option('--all', 'every page')
    .action(async (flags: ListFlags, command: Command) => {
      const context = contextOf(command);
      const client = await context.client();
      const query: ListTasksQuery = {
        ...(flags.status ? { status: flags.status.split(',') as TaskStatus[] } : {}),
        ...(flags.type ? { type: flags.type } : {}),
        limit: flags.limit,
        ...(flags.cursor ? { cursor: flags.cursor } : {}),
      };
      let page: { items: Task[]; nextCursor: string | null };
      if (flags.all) {
        const items: Task[] = [];
        for await (const task of client.tasks(query, { signal: context.signal })) items.push(task);
        page = { items, nextCursor: null };
      } else {
        const one = await client.listTasks(query, { signal: context.signal });
        page = { items: one.items, nextCursor: one.nextCursor ?? null };
      }
      if (context.json) return printJson(page);
      print(tasksTable(page.items));
      if (page.nextCursor) print(`more: taskyard tasks list --cursor ${page.nextCursor}`);
    });

  tasks
    .command('get')
    .description('one task: its status, progress, result and artifacts')
    .argument('<id>', 'the task id')
    .option('--wait <seconds>', "wait up to this long for the task's next change", integer)
    .action(async (id: string, flags: { wait?: number }, command: Command) => {
      const context = contextOf(command);
      const client = await context.client();
      const task = await client.getTask(id, { signal: context.signal, waitS: flags.wait });
      if (context.json) printJson(task);
      else print(taskDetails(task));
    });

  tasks
    .command('events')
    .description("a task's event log, oldest first")
    .argument('<id>', 'the task id')
    .option('--after <seq>', 'only the events after this seq', integer, 0)
    .action(async (id: string, flags: { after: number }, command: Command) => {
      const context = contextOf(command);
      const client = await context.client();
      const events = await client.events(id, { signal: context.signal, after: flags.after });
      if (context.json) return printJson(events);
      const rows = events.map((e) => [String(e.seq), utc(e.at), e.kind, eventDetail(e)]);
      print(table(['seq', 'at', 'kind', 'detail'], rows));
    });

  const action = (
    name: string,
    description: string,
    call: (id: string, client: Taskyard, signal: AbortSignal) => Promise<Task | void>,
  ): void => {
    tasks
      .command(name)
      .description(description)
      .argument('<id>', 'the task id')
      .action(async (id: string, _flags: object, command: Command) => {
        const context = contextOf(command);
        const task = await call(id, await context.client(), context.signal);
        if (context.json) printJson(task ?? { id, deleted: true });
        else if (!task) print(`deleted task ${id}`);
        // A running task answers the cancel at once and stops within a second or so.
        else if (name === 'cancel' && task.status === 'running') print(`task ${id} is stopping`);
        else print(`task ${id} ${task.status}`);
      });
  };
  action('cancel', 'cancel a task (and its unfinished children)', (id, client, signal) =>
    client.cancelTask(id, { signal }),
  );
  action('retry', 'run a failed or cancelled task again', (id, client, signal) =>
    client.retryTask(id, { signal }),
  );
  action('rm', 'delete a finished task with its outputs', (id, client, signal) =>
    client.deleteTask(id, { signal }),
  );
}

interface ListFlags {
  status?: string;
  type?: string;
  limit: number;
  cursor?: string;
  all?: boolean;
}
