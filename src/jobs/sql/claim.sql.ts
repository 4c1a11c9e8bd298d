import type { Db } from '../db.js';
import type { JobRow } from '../job.js';

export interface ClaimRequest {
  workerId: string;
  /** Job types this worker has handlers for and room to run. */
  types: string[];
  /** Queues to take from; empty means all. */
  queues: string[];
  limit: number;
  leaseMs: number;
  groupMaxRunning: number;
}

/**
 * Claims up to `limit` runnable jobs in one statement.
 *
 * - `FOR UPDATE SKIP LOCKED`: concurrent claimers each lock different rows instead of queueing
 *   behind one another; a row another claimer holds is simply not a candidate.
 * - Concurrency keys: a candidate whose key already runs is skipped, and only the first of a key
 *   in the batch is taken. Two claimers racing for one key are stopped by the unique index on
 *   running keys (23505); the caller retries.
 * - Groups: the wanted slots are added to job_groups under its row lock (INSERT .. ON CONFLICT DO
 *   UPDATE reads the latest committed count), so claims across processes never pass the cap;
 *   `granted` tells each claim how many of its candidates it may take.
 * - Every claim takes a new lease token from the sequence: the fencing token for later writes.
 */
const CLAIM_JOBS = `
WITH candidates AS (
  SELECT j.id, j.priority, j.run_at, j.concurrency_key, j.group_key
  FROM jobs j
  WHERE j.status = 'queued'
    AND j.run_at <= now()
    AND j.type = ANY($1::text[])
    AND (cardinality($2::text[]) = 0 OR j.queue = ANY($2::text[]))
    AND NOT EXISTS (SELECT 1 FROM job_queues q WHERE q.name = j.queue AND q.paused)
    AND (j.concurrency_key IS NULL OR NOT EXISTS (
      SELECT 1 FROM jobs r WHERE r.concurrency_key = j.concurrency_key AND r.status = 'running'))
    AND (j.group_key IS NULL OR NOT EXISTS (
      SELECT 1 FROM job_groups g
      WHERE g.key = j.group_key AND g.running >= COALESCE(g.max_running, $6::int)))
  ORDER BY j.priority DESC, j.run_at, j.id
  LIMIT $3
  FOR UPDATE OF j SKIP LOCKED
), one_per_key AS (
  SELECT * FROM (
    SELECT c.*, row_number() OVER (PARTITION BY c.concurrency_key ORDER BY c.priority DESC, c.run_at, c.id) AS key_rank
    FROM candidates c
  ) ranked
  WHERE concurrency_key IS NULL OR key_rank = 1
), grouped AS (
  SELECT o.*, row_number() OVER (PARTITION BY o.group_key ORDER BY o.priority DESC, o.run_at, o.id) AS group_rank
  FROM one_per_key o
), wanted AS (
  SELECT group_key, count(*)::int AS n FROM grouped WHERE group_key IS NOT NULL GROUP BY group_key ORDER BY group_key
), granted AS (
  INSERT INTO job_groups AS g (key, running, granted)
  SELECT group_key, LEAST(n, $6::int), LEAST(n, $6::int) FROM wanted
  ON CONFLICT (key) DO UPDATE SET
    granted = GREATEST(0, LEAST(EXCLUDED.granted, COALESCE(g.max_running, $6::int) - g.running)),
    running = g.running + GREATEST(0, LEAST(EXCLUDED.granted, COALESCE(g.max_running, $6::int) - g.running))
  RETURNING g.key, g.granted
), chosen AS (
  SELECT c.id FROM grouped c LEFT JOIN granted gr ON gr.key = c.group_key
  WHERE c.group_key IS NULL OR c.group_rank <= gr.granted
)
UPDATE jobs j SET
  status = 'running',
  attempts = j.attempts + 1,
  lease_owner = $4,
  lease_token = nextval('job_lease_tokens'),
  lease_expires_at = now() + $5::int * interval '1 millisecond',
  started_at = now()
FROM chosen
WHERE j.id = chosen.id
RETURNING j.*`;

export async function claimJobs(db: Db, request: ClaimRequest): Promise<JobRow[]> {
  const { types, queues, limit, workerId, leaseMs, groupMaxRunning } = request;
  const result = await db.query<JobRow>(CLAIM_JOBS, [
    types,
    queues,
    limit,
    workerId,
    leaseMs,
    groupMaxRunning,
  ]);
  // Returned in no particular order: run them in the claim order.
  return result.rows.sort(
    (a, b) =>
      b.priority - a.priority ||
      a.run_at.getTime() - b.run_at.getTime() ||
      Number(a.id) - Number(b.id),
  );
}
