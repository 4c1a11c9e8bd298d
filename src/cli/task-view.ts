import type { Task } from '../client/index.js';
import { CliError } from './errors.js';
import { progressDetail } from './event-text.js';
import { bytes, fields, oneLine, table, utc } from './output.js';

export function tasksTable(tasks: Task[]): string {
  return table(
    ['id', 'type', 'status', 'progress', 'created', 'finished'],
    tasks.map((task) => [
      task.id,
      task.type,
      task.status,
      progressText(task),
      utc(task.createdAt),
      utc(task.finishedAt),
    ]),
  );
}

/** Everything `tasks get` shows of a task, the result and artifacts last. */
export function taskDetails(task: Task): string {
  const pairs: [string, string][] = [
    ['id', task.id],
    ['type', task.type],
    ['status', task.status],
    ['progress', progressText(task)],
    ['attempts', `${task.attempts} of ${task.maxAttempts}`],
    ['created', utc(task.createdAt)],
    ['started', utc(task.startedAt)],
    ['finished', utc(task.finishedAt)],
  ];
  if (task.runAt) pairs.push(['runs at', utc(task.runAt)]);
  if (task.waiting) pairs.push(['waiting', `${task.waiting.reason}: ${task.waiting.message}`]);
  if (task.parentId) pairs.push(['parent', task.parentId]);
  if (task.error) pairs.push(['error', problemText(task.error)]);
  return [fields(pairs), ...outcomeLines(task)].join('\n');
}

/** What a followed task ends with: how it ended, its result, where its outputs are. */
export function taskSummary(task: Task): string {
  const took = task.startedAt && task.finishedAt ? ` in ${seconds(task)}` : '';
  return [`${task.status}${took}`, ...outcomeLines(task)].join('\n');
}

/** A failed or cancelled task as the error the command exits with. */
export function taskFailure(task: Task): CliError | undefined {
  if (task.status !== 'failed' && task.status !== 'cancelled') return undefined;
  return new CliError(task.error ? problemText(task.error) : `task ${task.id} ${task.status}`);
}

export function progressText(task: Pick<Task, 'progress'>): string {
  return progressDetail({ ...task.progress }) || '-';
}

function outcomeLines(task: Task): string[] {
  const lines: string[] = [];
  if (task.result !== null && task.result !== undefined) {
    lines.push('result:');
    const result = task.result;
    lines.push(
      typeof result === 'object' && !Array.isArray(result)
        ? fields(
            Object.entries(result as Record<string, unknown>).map(([k, v]) => [k, oneLine(v)]),
            '  ',
          )
        : `  ${oneLine(result)}`,
    );
  }
  const artifacts = task.artifacts ?? [];
  if (artifacts.length > 0) {
    lines.push('artifacts:');
    lines.push(
      fields(
        artifacts.map((a) => [
          a.name,
          `${bytes(a.size)}  taskyard artifacts get ${task.id} ${a.name} -o ${a.name}`,
        ]),
        '  ',
      ),
    );
  }
  return lines;
}

function problemText(problem: { title?: unknown; detail?: unknown }): string {
  const title = typeof problem.title === 'string' ? problem.title : 'Task failed';
  return typeof problem.detail === 'string' && problem.detail !== title
    ? `${title}: ${problem.detail}`
    : title;
}

function seconds(task: Task): string {
  const ms = new Date(task.finishedAt ?? 0).getTime() - new Date(task.startedAt ?? 0).getTime();
  return `${(ms / 1000).toFixed(1)} s`;
}
