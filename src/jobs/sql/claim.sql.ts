import { type Db, prepared } from '../db.js';
import type { ClaimedJob } from '../job.js';

export interface ClaimRequest {
  workerId: string;
  /** Job types this worker has handlers for and room to run. */
  types: string[];
  /** Queues to take from; empty means all. */
  queues: string[];
  /** Queues not to take from now (their per-process limit is reached). */
  fullQueues: string[];
  limit: number;
  leaseMs: number;
  groupMaxRunning: number;
  /** Only jobs whose payload contains this JSON (a remote worker's tenant); unset: any. */
  payloadContains?: object;
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
 * - Every claim statement takes one new lease token from the sequence (one per statement, not per
 *   row, is enough: the next claim of any of these jobs takes another): the fencing token.
 * - The update finds its rows by ctid: they are locked by this statement, so their ctid holds, and a
 *   TID scan is cheaper than a primary key lookup per row. Caveat: a row locked only after
 *   following a concurrent update to its newest version would be invisible to that update. The
 *   re-check of `status = 'queued'` rules this out unless, during this one statement, the job was
 *   both claimed and requeued by other transactions; were it to happen, the job stays queued and
 *   (if grouped) one group slot stays counted.
 */
const CLAIM_JOBS = prepared(
  'claim',
  `
WITH candidates AS (
  SELECT j.id, j.ctid, j.priority, j.run_at, j.concurrency_key, j.group_key
  FROM jobs j
  WHERE j.status = 'queued'
    AND j.run_at <= now()
    AND j.type = ANY($1::text[])
    AND (cardinality($2::text[]) = 0 OR j.queue = ANY($2::text[]))
    AND j.queue <> ALL ($7::text[])
    AND j.queue NOT IN (SELECT name FROM job_queues WHERE paused)
    AND ($8::jsonb IS NULL OR j.payload @> $8::jsonb)
    AND (j.concurrency_key IS NULL OR NOT EXISTS (
      SELECT 1 FROM jobs r WHERE r.concurrency_key = j.concurrency_key AND r.status = 'running'))
    AND (j.group_key IS NULL OR NOT EXISTS (
      SELECT 1 FROM job_groups g
      WHERE g.key = j.group_key AND g.running >= COALESCE(g.max_running, $6::int)))
  ORDER BY j.priority DESC, j.run_at, j.id
  LIMIT $3
  FOR UPDATE OF j SKIP LOCKED
), limited AS (
  -- Only jobs with a concurrency key or a group go through the ranking below.
  SELECT * FROM (
    SELECT c.*, row_number() OVER (PARTITION BY c.concurrency_key ORDER BY c.priority DESC, c.run_at, c.id) AS key_rank
    FROM candidates c
    WHERE c.concurrency_key IS NOT NULL OR c.group_key IS NOT NULL
  ) ranked
  WHERE concurrency_key IS NULL OR key_rank = 1
), grouped AS (
  SELECT l.*, row_number() OVER (PARTITION BY l.group_key ORDER BY l.priority DESC, l.run_at, l.id) AS group_rank
  FROM limited l
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
  SELECT ctid FROM candidates WHERE concurrency_key IS NULL AND group_key IS NULL
  UNION ALL
  SELECT c.ctid FROM grouped c LEFT JOIN granted gr ON gr.key = c.group_key
  WHERE c.group_key IS NULL OR c.group_rank <= gr.granted
)
UPDATE jobs j SET
  status = 'running',
  attempts = j.attempts + 1,
  lease_owner = $4,
  lease_token = (SELECT nextval('job_lease_tokens')),
  lease_expires_at = now() + $5::int * interval '1 millisecond',
  started_at = now()
FROM chosen
WHERE j.ctid = chosen.ctid
RETURNING j.id, j.queue, j.type, j.payload, j.priority, j.attempts, j.max_attempts, j.timeout_ms, j.group_key,
          j.lease_token, (extract(epoch FROM j.run_at) * 1000)::float8 AS run_at_ms, j.trace_parent`,
);

/** What a claim returns: the columns a worker needs, no more (it runs on the hot path). */
interface ClaimedRow {
  id: string;
  queue: string;
  type: string;
  payload: unknown;
  priority: number;
  attempts: number;
  max_attempts: number;
  timeout_ms: number | null;
  group_key: string | null;
  lease_token: string;
  run_at_ms: number;
  trace_parent: string | null;
}

export async function claimJobs(db: Db, request: ClaimRequest): Promise<ClaimedJob[]> {
  const { types, queues, fullQueues, limit, workerId, leaseMs, groupMaxRunning } = request;
  const contains = request.payloadContains ? JSON.stringify(request.payloadContains) : null;
  const result = await db.query<ClaimedRow>(
    CLAIM_JOBS([types, queues, limit, workerId, leaseMs, groupMaxRunning, fullQueues, contains]),
  );
  // Returned in no particular order: run them in the claim order.
  return result.rows
    .sort(
      (a, b) => b.priority - a.priority || a.run_at_ms - b.run_at_ms || Number(a.id) - Number(b.id),
    )
    .map((row) => ({
      id: row.id,
      queue: row.queue,
      type: row.type,
      payload: row.payload,
      priority: row.priority,
      attempts: row.attempts,
      maxAttempts: row.max_attempts,
      timeoutMs: row.timeout_ms,
      groupKey: row.group_key,
      leaseToken: row.lease_token,
      runAtMs: row.run_at_ms,
      ...(row.trace_parent !== null && { traceParent: row.trace_parent }),
    }));
}
