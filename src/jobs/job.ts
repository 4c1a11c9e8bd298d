export const JOB_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

/** What a caller asks for. Only `type` is required. */
export interface JobSpec {
  type: string;
  payload?: unknown;
  queue?: string;
  /** Higher runs first. */
  priority?: number;
  /** Not before this time. */
  runAt?: Date;
  /** Not before this many milliseconds from now (ignored when runAt is given). */
  delayMs?: number;
  maxAttempts?: number;
  timeoutMs?: number;
  /** A second enqueue with the same key returns the existing job instead of a new one. */
  idempotencyKey?: string;
  /** Never two running jobs with the same key, across all processes. */
  concurrencyKey?: string;
  /** Fairness: at most JOBS_GROUP_MAX_RUNNING running jobs per group. */
  groupKey?: string;
  /**
   * The W3C traceparent the job's runs continue (src/tracing). Unset: the active span's, if any;
   * null: none (a batch written in another caller's async context says so).
   */
  traceParent?: string | null;
}

export interface Job {
  id: string;
  queue: string;
  type: string;
  payload: unknown;
  status: JobStatus;
  priority: number;
  runAt: Date;
  attempts: number;
  maxAttempts: number;
  timeoutMs: number | null;
  idempotencyKey: string | null;
  concurrencyKey: string | null;
  groupKey: string | null;
  leaseOwner: string | null;
  leaseExpiresAt: Date | null;
  cancelRequestedAt: Date | null;
  lastError: string | null;
  result: unknown;
  progress: unknown;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

/** A job as its claimant holds it: what a worker needs, with the fencing token every later write must present. */
export interface ClaimedJob {
  id: string;
  queue: string;
  type: string;
  payload: unknown;
  priority: number;
  /** Including this one: 1 on the first run. */
  attempts: number;
  maxAttempts: number;
  timeoutMs: number | null;
  groupKey: string | null;
  leaseToken: string;
  /** When the job became runnable (epoch ms). */
  runAtMs: number;
  /** Stored when it was queued inside a trace: its runs are spans of that trace. */
  traceParent?: string;
}

/** A row of the jobs table as `pg` returns it (bigint columns arrive as strings). */
export interface JobRow {
  id: string;
  queue: string;
  type: string;
  payload: unknown;
  status: JobStatus;
  priority: number;
  run_at: Date;
  attempts: number;
  max_attempts: number;
  timeout_ms: number | null;
  idempotency_key: string | null;
  concurrency_key: string | null;
  group_key: string | null;
  lease_owner: string | null;
  lease_token: string | null;
  lease_expires_at: Date | null;
  cancel_requested_at: Date | null;
  last_error: string | null;
  result: unknown;
  progress: unknown;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
}

export function toJob(row: JobRow): Job {
  return {
    id: row.id,
    queue: row.queue,
    type: row.type,
    payload: row.payload,
    status: row.status,
    priority: row.priority,
    runAt: row.run_at,
    attempts: row.attempts,
    maxAttempts: row.max_attempts,
    timeoutMs: row.timeout_ms,
    idempotencyKey: row.idempotency_key,
    concurrencyKey: row.concurrency_key,
    groupKey: row.group_key,
    leaseOwner: row.lease_owner,
    leaseExpiresAt: row.lease_expires_at,
    cancelRequestedAt: row.cancel_requested_at,
    lastError: row.last_error,
    result: row.result,
    progress: row.progress,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
  };
}
