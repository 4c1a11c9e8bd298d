import type { Db } from '../db.js';

export type StuckReason = 'over_time_limit' | 'lease_lapsing';

export interface StuckRow {
  job_id: string;
  task_id: string | null;
  type: string;
  queue: string;
  lease_owner: string | null;
  started_at: Date;
  time_limit_ms: number;
  lease_expires_at: Date | null;
  over_time_limit: boolean;
  lease_lapsing: boolean;
}

/** The limit a worker gives a job: its timeout_ms, else its handler's ($2 by type), else $3. */
const TIME_LIMIT = `CROSS JOIN LATERAL (
    SELECT COALESCE(j.timeout_ms, ($2::jsonb ->> j.type)::int, $3::int) AS time_limit_ms) l`;

/**
 * Running jobs past their time limit, or whose lease has less than a third of JOBS_LEASE_MS left
 * (a live worker renews every third, so a healthy lease never gets that low) or has run out
 * unreaped. The limit is the job's timeout_ms, else its handler's, else JOBS_DEFAULT_TIMEOUT_MS, as
 * the worker decides it. Only running rows are read (jobs_lease_expiry_idx is partial on them). It
 * reads tasks too, for the id of the task a job runs.
 */
const STUCK = `
SELECT * FROM (
  SELECT j.id AS job_id, t.id AS task_id, j.type, j.queue, j.lease_owner, j.started_at,
         l.time_limit_ms, j.lease_expires_at,
         now() - j.started_at > l.time_limit_ms * interval '1 millisecond' AS over_time_limit,
         j.lease_expires_at < now() + $1::int / 3 * interval '1 millisecond' AS lease_lapsing
  FROM jobs j
  ${TIME_LIMIT}
  LEFT JOIN tasks t ON t.job_id = j.id
  WHERE j.status = 'running') AS s
WHERE over_time_limit OR lease_lapsing
ORDER BY started_at, job_id`;

export interface StuckLimits {
  leaseMs: number;
  /** Handler time limits by job type. */
  handlerTimeoutMs: Record<string, number>;
  defaultTimeoutMs: number;
}

const valuesOf = (limits: StuckLimits): unknown[] => [
  limits.leaseMs,
  JSON.stringify(limits.handlerTimeoutMs),
  limits.defaultTimeoutMs,
];

export async function stuckJobs(db: Db, limits: StuckLimits): Promise<StuckRow[]> {
  return (await db.query<StuckRow>(STUCK, valuesOf(limits))).rows;
}

/**
 * Running jobs no worker is getting anywhere with, for GET /health/queue: past their time limit by
 * more than a lease period (the worker fails an attempt at its limit, so one still running then
 * has a handler or worker that hangs), or whose lease ran out more than a lease period ago (a live
 * reaper returns those to the queue within JOBS_REAPER_INTERVAL_MS). The grace keeps a job that
 * is being finished or reaped this very moment from counting. Running rows only, like STUCK.
 */
const STUCK_COUNT = `
SELECT count(*)::int AS stuck FROM jobs j
  ${TIME_LIMIT}
WHERE j.status = 'running'
  AND (now() - j.started_at > (l.time_limit_ms::bigint + $1::int) * interval '1 millisecond'
       OR j.lease_expires_at < now() - $1::int * interval '1 millisecond')`;

export async function countStuckJobs(db: Db, limits: StuckLimits): Promise<number> {
  const { rows } = await db.query<{ stuck: number }>(STUCK_COUNT, valuesOf(limits));
  return rows[0]?.stuck ?? 0;
}
