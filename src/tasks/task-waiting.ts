import { AHEAD_COUNT_LIMIT, type JobWait } from '../jobs/sql/explain.sql.js';
import type { TaskEntity } from './task.entity.js';

/**
 * Why a task is not running, in the order they are tested (src/jobs/sql/explain.sql.ts for all
 * but `children`, which only a batch parent past its own work has: it is never queued).
 */
export const TASK_WAIT_REASONS = [
  'run_at',
  'queue_paused',
  'no_worker',
  'concurrency_key',
  'group_cap',
  'children',
  'behind',
] as const;
export type TaskWaitReason = (typeof TASK_WAIT_REASONS)[number];

/** `waiting` of a task read on its own: the reason, a sentence, and the reason's detail. */
export interface TaskWaiting {
  reason: TaskWaitReason;
  message: string;
  /** run_at: not before then. */
  runAt?: Date;
  /** queue_paused: the paused queue. */
  queue?: string;
  /** concurrency_key: the running task that holds the key; null when it is no task of the caller's. */
  blockedBy?: string | null;
  /** group_cap: the tenant whose running tasks are at its cap, the cap and how many run. */
  tenant?: string;
  maxRunning?: number;
  running?: number;
  /** children: how many the parent has, and how many of them have not finished. */
  total?: number;
  unfinished?: number;
  /** behind: runnable tasks ahead of it in claim order (counted up to AHEAD_COUNT_LIMIT). */
  ahead?: number;
}

/** A batch parent whose own work is done: it stays `running` until its last child ends. */
export function childrenWaiting(task: TaskEntity): TaskWaiting | undefined {
  if (task.status !== 'running' || !task.awaitingChildren) return undefined;
  const total = task.childrenTotal;
  const unfinished = total - task.childrenSucceeded - task.childrenFailed - task.childrenCancelled;
  return {
    reason: 'children',
    message: `Its own work is done; it waits for ${unfinished} of its ${total} children to finish.`,
    total,
    unfinished,
  };
}

/** A queued task's job explained; `blockedBy` is the task of the job that holds its key. */
export function queuedWaiting(
  task: TaskEntity,
  wait: JobWait,
  blockedBy: string | null,
): TaskWaiting {
  switch (wait.reason) {
    case 'run_at':
      return {
        reason: 'run_at',
        message: `It runs no sooner than ${wait.runAt.toISOString()}.`,
        runAt: wait.runAt,
      };
    case 'queue_paused':
      return {
        reason: 'queue_paused',
        message: `Its queue "${wait.queue}" is paused; it runs once the queue is resumed.`,
        queue: wait.queue,
      };
    case 'no_worker':
      return {
        reason: 'no_worker',
        message: `No worker process that runs "${task.type}" tasks from queue "${wait.queue}" is alive; it runs once one starts.`,
      };
    case 'concurrency_key':
      return {
        reason: 'concurrency_key',
        message: `Its concurrency key is held by ${blockedBy ? `task ${blockedBy}` : 'a running job'}.`,
        blockedBy,
      };
    case 'group_cap': {
      const running = wait.groupRunning ?? 0;
      const maxRunning = wait.groupMaxRunning ?? 0;
      return {
        reason: 'group_cap',
        message: `Tenant ${task.tenant} is at its cap of running tasks: ${running} of ${maxRunning}.`,
        tenant: task.tenant,
        maxRunning,
        running,
      };
    }
    case 'behind':
      return behind(wait.ahead ?? 0);
  }
  const unknown: never = wait.reason;
  throw new Error(`no waiting for the job wait reason ${String(unknown)}`);
}

function behind(ahead: number): TaskWaiting {
  const count = ahead >= AHEAD_COUNT_LIMIT ? `At least ${ahead}` : String(ahead);
  return {
    reason: 'behind',
    message:
      ahead === 0
        ? 'It is next: it starts when a worker has a free slot.'
        : `${count} runnable task${ahead === 1 ? ' is' : 's are'} ahead of it.`,
    ahead,
  };
}
