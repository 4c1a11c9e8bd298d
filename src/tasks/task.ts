export const TASK_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

export const FINISHED_STATUSES: readonly TaskStatus[] = ['succeeded', 'failed', 'cancelled'];

/** Task jobs are the job type `task:<task type>`; the tasks trigger follows jobs of that form. */
export const TASK_JOB_PREFIX = 'task:';

export interface TaskProgress {
  percent?: number;
  message?: string;
}

/** A row of the tasks table as `pg` returns it. */
export interface TaskRow {
  id: string;
  tenant: string;
  type: string;
  status: TaskStatus;
  input_file_id: string | null;
  payload: unknown;
  options: Record<string, unknown>;
  progress: TaskProgress | null;
  result: unknown;
  error: Record<string, unknown> | null;
  attempts: number;
  max_attempts: number;
  run_at: Date | null;
  job_id: string;
  idempotency_key: string | null;
  parent_id: string | null;
  parent_line: number | null;
  children_total: number;
  children_succeeded: number;
  children_failed: number;
  children_cancelled: number;
  awaiting_children: boolean;
  last_seq: number;
  created_at: Date;
  updated_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
}

export interface TaskEventRow {
  task_id: string;
  seq: number;
  kind: string;
  data: unknown;
  at: Date;
}

/** A task as the API shows it. */
export interface TaskView {
  id: string;
  type: string;
  status: TaskStatus;
  inputFileId: string | null;
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
  children?: { total: number; succeeded: number; failed: number; cancelled: number };
  /** The seq of its latest event: GET .../events?after=<seq> continues from here. */
  lastSeq: number;
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

export function toTaskView(row: TaskRow, showTenant = false): TaskView {
  return {
    id: row.id,
    type: row.type,
    status: row.status,
    inputFileId: row.input_file_id,
    payload: row.payload,
    options: row.options,
    progress: row.progress,
    result: row.result,
    error: row.error,
    attempts: row.attempts,
    maxAttempts: row.max_attempts,
    runAt: row.status === 'queued' ? row.run_at : null,
    parentId: row.parent_id,
    ...(row.children_total > 0
      ? {
          children: {
            total: row.children_total,
            succeeded: row.children_succeeded,
            failed: row.children_failed,
            cancelled: row.children_cancelled,
          },
        }
      : {}),
    lastSeq: row.last_seq,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    ...(showTenant ? { tenant: row.tenant } : {}),
  };
}

export function toEventView(row: TaskEventRow): TaskEventView {
  return { taskId: row.task_id, seq: row.seq, kind: row.kind, at: row.at, data: row.data };
}
