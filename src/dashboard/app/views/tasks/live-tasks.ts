import type { Task, TaskStatus, TenantEvent } from '../../../../client/index.js';
import type { ListQuery } from './list-query.js';

/** The status an event of a task leaves it in (partial and progress: still running). */
const STATUS_AFTER: Record<string, TaskStatus> = {
  created: 'queued',
  started: 'running',
  progress: 'running',
  partial: 'running',
  retrying: 'queued',
  succeeded: 'succeeded',
  failed: 'failed',
  cancelled: 'cancelled',
};

export function matchesTask(query: ListQuery, task: Task): boolean {
  return (
    (query.statuses.length === 0 || query.statuses.includes(task.status)) &&
    (!query.type || task.type === query.type)
  );
}

/**
 * Whether an event of a task the list does not show could be of a task that matches: decided from
 * the event alone, so that tasks of other statuses (or, on `created`, types) cost no request.
 */
export function mayMatchEvent(query: ListQuery, event: TenantEvent): boolean {
  const status = STATUS_AFTER[event.kind];
  if (query.statuses.length > 0 && status && !query.statuses.includes(status)) return false;
  if (query.type && event.kind === 'created') return dataOf(event).type === query.type;
  return true;
}

/** The task after `event`, from the event's data alone; an event it has already seen changes nothing. */
export function applyEvent(task: Task, event: TenantEvent): Task {
  if (event.seq <= task.lastSeq) return task;
  const data = dataOf(event);
  const next: Task = { ...task, lastSeq: event.seq, updatedAt: event.at };
  switch (event.kind) {
    case 'started':
      return {
        ...next,
        status: 'running',
        startedAt: task.startedAt ?? event.at,
        attempts: typeof data.attempt === 'number' ? data.attempt : task.attempts + 1,
        runAt: null,
      };
    case 'progress':
      return {
        ...next,
        status: 'running',
        progress: { percent: data.percent as number, message: data.message as string | undefined },
      };
    case 'retrying':
      return { ...next, status: 'queued', runAt: (data.runAt as string) ?? null };
    case 'succeeded':
      return { ...next, status: 'succeeded', finishedAt: event.at, result: data.result };
    case 'failed':
    case 'cancelled':
      return {
        ...next,
        status: event.kind,
        finishedAt: event.at,
        error: data.error as Task['error'],
      };
    default:
      return next;
  }
}

/** Tasks newest first (by creation, then id, as the API pages them). */
export function newestFirst(a: Task, b: Task): number {
  return b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id);
}

/**
 * `fetched` merged into `list`: a known task is replaced when the fetched copy is newer; a new
 * one goes in its place by creation time, unless it is older than the page's last task while
 * older pages exist (it belongs to one of those).
 */
export function mergeTasks(list: Task[], fetched: Task[], hasOlder: boolean): Task[] {
  const byId = new Map(list.map((task) => [task.id, task]));
  const last = list.at(-1);
  for (const task of fetched) {
    const known = byId.get(task.id);
    if (known) {
      if (task.lastSeq >= known.lastSeq) byId.set(task.id, task);
    } else if (!(hasOlder && last && newestFirst(task, last) > 0)) {
      byId.set(task.id, task);
    }
  }
  return [...byId.values()].sort(newestFirst);
}

function dataOf(event: TenantEvent): Record<string, unknown> {
  return typeof event.data === 'object' && event.data !== null
    ? (event.data as Record<string, unknown>)
    : {};
}
