import type { FileEntity } from '../files/file.entity.js';
import type { TaskEventEntity } from './task-event.entity.js';
import type { TaskEntity } from './task.entity.js';
import type { TaskWaiting } from './task-waiting.js';

export const TASK_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

/** The kinds of a task's events, as the create statement and the SQL functions append them. */
export const TASK_EVENT_KINDS = [
  'created',
  'started',
  'progress',
  'retrying',
  'succeeded',
  'failed',
  'cancelled',
] as const;

export const FINISHED_STATUSES: readonly TaskStatus[] = ['succeeded', 'failed', 'cancelled'];

/** Task jobs are the job type `task:<task type>`; the tasks trigger follows jobs of that form. */
export const TASK_JOB_PREFIX = 'task:';

/** A failed or cancelled task's `error`, as task_problem() builds it (migrations/repeatable/). */
export const TASK_PROBLEMS = {
  cancelled: { slug: 'task-cancelled', title: 'Task cancelled' },
  timeout: { slug: 'task-timeout', title: 'Task timed out' },
  failed: { slug: 'task-failed', title: 'Task failed' },
} as const;

export interface TaskProgress {
  percent?: number;
  message?: string;
}

/** A file task's input file, as lists and GET /tasks/{id} show it beside `inputFileId`. */
export interface InputFileView {
  /** The name it was uploaded with; null when it came without one. */
  name: string | null;
  size: number;
  mediaType: string;
}

export function toInputFileView(file: FileEntity | null | undefined): InputFileView | null {
  return file ? { name: file.name, size: Number(file.size), mediaType: file.mediaType } : null;
}

/** A task as the API shows it. */
export interface TaskView {
  id: string;
  type: string;
  status: TaskStatus;
  inputFileId: string | null;
  /** In GET /tasks and GET /tasks/{id} only: the input file; null for payload tasks. */
  inputFile?: InputFileView | null;
  payload: unknown;
  options: Record<string, unknown>;
  progress: TaskProgress | null;
  result: unknown;
  error: Record<string, unknown> | null;
  attempts: number;
  maxAttempts: number;
  /** For a queued task waiting for a retry: when it may run again. */
  runAt: Date | null;
  parentId: string | null;
  /** Where its terminal events are POSTed; null when nowhere. */
  callbackUrl: string | null;
  children?: { total: number; succeeded: number; failed: number; cancelled: number };
  /** The seq of its latest event: GET .../events?after=<seq> continues from here. */
  lastSeq: number;
  /**
   * Why it is not running: a queued task, or a batch parent waiting for its children, read on its
   * own (GET /tasks/{id}); absent otherwise, and never in lists or events.
   */
  waiting?: TaskWaiting;
  createdAt: Date;
  updatedAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  tenant?: string;
}

export interface TaskEventView {
  taskId: string;
  seq: number;
  kind: string;
  at: Date;
  data: unknown;
}

export function toTaskView(row: TaskEntity, showTenant = false): TaskView {
  return {
    id: row.id,
    type: row.type,
    status: row.status,
    inputFileId: row.inputFileId,
    payload: row.payload,
    options: row.options,
    progress: row.progress,
    result: row.result,
    error: row.error,
    attempts: row.attempts,
    maxAttempts: row.maxAttempts,
    runAt: row.status === 'queued' ? row.runAt : null,
    parentId: row.parentId,
    callbackUrl: row.callbackUrl,
    ...(row.childrenTotal > 0
      ? {
          children: {
            total: row.childrenTotal,
            succeeded: row.childrenSucceeded,
            failed: row.childrenFailed,
            cancelled: row.childrenCancelled,
          },
        }
      : {}),
    lastSeq: row.lastSeq,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
    ...(showTenant ? { tenant: row.tenant } : {}),
  };
}

export function toEventView(row: TaskEventEntity): TaskEventView {
  return { taskId: row.taskId, seq: row.seq, kind: row.kind, at: row.at, data: row.data };
}
