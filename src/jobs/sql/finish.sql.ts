import { type Db, JOBS_CHANNEL, prepared } from '../db.js';

/** How a claimant ends its hold on a job. */
export interface Outcome {
  id: string;
  token: string;
  status: 'succeeded' | 'failed' | 'cancelled' | 'queued';
  result?: unknown;
  error?: string;
  /** For `queued`: when to run again. */
  retryInMs?: number;
  /** For `queued`: hand the job back without counting the attempt (shutdown). */
  release?: boolean;
}

/**
 * Writes many outcomes in one statement. The lease token is checked row by row: a worker whose
 * lease expired, or whose job was reaped and claimed again, changes nothing. The ids returned are
 * the outcomes that were accepted.
 */
const FINISH_JOBS = prepared(
  'finish',
  `
WITH outcome AS (
  SELECT * FROM json_to_recordset($1::json) AS x(
    id bigint, token bigint, status job_status, result jsonb, error text, retry_in_ms integer, release boolean)
), finished AS (
  UPDATE jobs j SET
    status = o.status,
    result = CASE WHEN o.status = 'succeeded' THEN o.result ELSE j.result END,
    last_error = COALESCE(o.error, j.last_error),
    run_at = CASE WHEN o.status = 'queued' THEN now() + COALESCE(o.retry_in_ms, 0) * interval '1 millisecond' ELSE j.run_at END,
    attempts = CASE WHEN o.release THEN j.attempts - 1 ELSE j.attempts END,
    finished_at = CASE WHEN o.status = 'queued' THEN NULL ELSE now() END,
    lease_owner = NULL, lease_token = NULL, lease_expires_at = NULL
  FROM outcome o
  WHERE j.id = o.id AND j.lease_token = o.token AND j.status = 'running' AND j.lease_expires_at > now()
  RETURNING j.id, j.queue, j.status, j.run_at
), notified AS (
  SELECT pg_notify('${JOBS_CHANNEL}', 'queue:' || queue)
  FROM (SELECT DISTINCT queue FROM finished WHERE status = 'queued' AND run_at <= now()) AS due
)
SELECT id FROM finished WHERE (SELECT count(*) FROM notified) >= 0`,
);

export async function finishJobs(db: Db, outcomes: Outcome[]): Promise<Set<string>> {
  const rows = outcomes.map((o) => ({
    id: o.id,
    token: o.token,
    status: o.status,
    result: o.status === 'succeeded' ? (o.result ?? null) : null,
    error: o.error ?? null,
    retry_in_ms: o.retryInMs ?? null,
    release: o.release ?? false,
  }));
  const result = await db.query<{ id: string }>(FINISH_JOBS([JSON.stringify(rows)]));
  return new Set(result.rows.map((row) => row.id));
}
