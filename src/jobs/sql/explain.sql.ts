import { type Db, prepared } from '../db.js';

/** Why a queued job is not running, as the claim query's conditions say it. */
export type JobWaitReason =
  'run_at' | 'queue_paused' | 'no_worker' | 'concurrency_key' | 'group_cap' | 'behind';

/** `ahead` is counted up to this many: the count walks the queued jobs before this one. */
export const AHEAD_COUNT_LIMIT = 10_000;

export interface JobWait {
  reason: JobWaitReason;
  queue: string;
  runAt: Date;
  /** concurrency_key: the running job that holds the key (at most one: the unique index). */
  blockedBy: string | null;
  groupKey: string | null;
  /** group_cap: the group's running jobs and its cap. */
  groupRunning: number | null;
  groupMaxRunning: number | null;
  /** behind: runnable jobs of its queue ahead of it in claim order (up to AHEAD_COUNT_LIMIT). */
  ahead: number | null;
}

/**
 * Each condition of the claim query (claim.sql.ts) tested for one queued job; the first that
 * holds, in the CASE's order, is the reason. A reason is one WHEN: a new one is one more branch.
 * - The conditions are ANDed in the claim, so any that holds keeps the job waiting; the order puts
 *   first what stays true longest (a future run_at outlasts a pause, a pause outlasts a holder).
 * - no_worker: no worker process alive in the registry (worker_alive() with this process's
 *   WORKERS_GONE_AFTER_MS, $4) has a handler for its type and takes jobs from its queue. Not
 *   reported before run_at or queue_paused: workers may well start by the time either has passed.
 * - The group cap is read as the claim reads it, its NULL cap taken from this process's
 *   JOBS_GROUP_MAX_RUNNING ($2) where the claim takes the claiming worker's. No group row: no cap
 *   reached (the claim's NOT EXISTS holds).
 * - `ahead` counts the runnable jobs the claim would take first: queued, due, same queue, earlier
 *   in (priority DESC, run_at, id), key not held, group not full — the claim's own WHERE, on
 *   jobs_claim_idx. The CASE runs that correlated subquery only for `behind`. Not counted: the
 *   per-process limits of a claim (its types, its full queues) and rows locked by a claim in flight.
 */
const EXPLAIN_WAIT = prepared(
  'explain-wait',
  `
WITH job AS (
  SELECT j.id, j.queue, j.priority, j.run_at, j.group_key,
         j.run_at > now() AS delayed,
         EXISTS (SELECT 1 FROM job_queues q WHERE q.name = j.queue AND q.paused) AS queue_paused,
         NOT EXISTS (
           SELECT 1 FROM worker_processes w
           WHERE worker_alive(w.gone_at, w.last_seen_at, $4) AND j.type = ANY (w.types)
             AND (cardinality(w.queues) = 0 OR j.queue = ANY (w.queues))) AS no_worker,
         (SELECT r.id FROM jobs r
          WHERE r.concurrency_key = j.concurrency_key AND r.status = 'running') AS blocked_by,
         g.running AS group_running,
         COALESCE(g.max_running, $2::int) AS group_max_running
  FROM jobs j LEFT JOIN job_groups g ON g.key = j.group_key
  WHERE j.id = $1 AND j.status = 'queued'
), reasoned AS (
  SELECT job.*, CASE
    WHEN delayed THEN 'run_at'
    WHEN queue_paused THEN 'queue_paused'
    WHEN no_worker THEN 'no_worker'
    WHEN blocked_by IS NOT NULL THEN 'concurrency_key'
    WHEN group_running >= group_max_running THEN 'group_cap'
    ELSE 'behind' END AS reason
  FROM job
)
SELECT r.reason, r.queue, r.run_at, r.blocked_by::text AS blocked_by, r.group_key,
       r.group_running, r.group_max_running,
       CASE WHEN r.reason = 'behind' THEN (
         SELECT count(*)::int FROM (
           SELECT 1 FROM jobs a
           WHERE a.status = 'queued' AND a.queue = r.queue AND a.run_at <= now()
             AND (a.priority > r.priority
                  OR (a.priority = r.priority AND (a.run_at, a.id) < (r.run_at, r.id)))
             AND (a.concurrency_key IS NULL OR NOT EXISTS (
               SELECT 1 FROM jobs k WHERE k.concurrency_key = a.concurrency_key AND k.status = 'running'))
             AND (a.group_key IS NULL OR NOT EXISTS (
               SELECT 1 FROM job_groups g
               WHERE g.key = a.group_key AND g.running >= COALESCE(g.max_running, $2::int)))
           LIMIT $3) ahead_rows
       ) END AS ahead
FROM reasoned r`,
);

interface JobWaitRow {
  reason: JobWaitReason;
  queue: string;
  run_at: Date;
  blocked_by: string | null;
  group_key: string | null;
  group_running: number | null;
  group_max_running: number | null;
  ahead: number | null;
}

/** Undefined when the job is not queued (any more). */
export async function explainWait(
  db: Db,
  jobId: string,
  groupMaxRunning: number,
  workersGoneAfterMs: number,
): Promise<JobWait | undefined> {
  const { rows } = await db.query<JobWaitRow>(
    EXPLAIN_WAIT([jobId, groupMaxRunning, AHEAD_COUNT_LIMIT, workersGoneAfterMs]),
  );
  const row = rows[0];
  return (
    row && {
      reason: row.reason,
      queue: row.queue,
      runAt: row.run_at,
      blockedBy: row.blocked_by,
      groupKey: row.group_key,
      groupRunning: row.group_running,
      groupMaxRunning: row.group_max_running,
      ahead: row.ahead,
    }
  );
}
