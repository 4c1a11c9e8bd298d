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
 * Writes many outcomes in one statement. The common case, a success without a result, travels as
 * two arrays ($1 ids, $2 tokens); the others as JSON ($3). The lease token is checked row by row: a
 * worker whose lease expired, or whose job was reaped and claimed again, changes nothing. The ids
 * returned are the outcomes that were refused (usually none, so usually nothing to parse).
 */
const FINISH_JOBS = prepared(
  'finish',
  `
WITH outcome AS (
  SELECT id, token, 'succeeded'::job_status AS status, NULL::jsonb AS result, NULL::text AS error,
         NULL::integer AS retry_in_ms, false AS release
  FROM unnest($1::bigint[], $2::bigint[]) AS plain(id, token)
  UNION ALL
  SELECT * FROM json_to_recordset($3::json) AS x(
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
SELECT o.id FROM outcome o
WHERE NOT EXISTS (SELECT 1 FROM finished f WHERE f.id = o.id) AND (SELECT count(*) FROM notified) >= 0`,
);

/** Returns the ids of the outcomes that were refused (their lease was lost). */
export async function finishJobs(db: Db, outcomes: Outcome[]): Promise<Set<string>> {
  const ids: string[] = [];
  const tokens: string[] = [];
  const others: object[] = [];
  for (const o of outcomes) {
    if (o.status === 'succeeded' && (o.result === undefined || o.result === null)) {
      ids.push(o.id);
      tokens.push(o.token);
      continue;
    }
    others.push({
      id: o.id,
      token: o.token,
      status: o.status,
      result: o.status === 'succeeded' ? o.result : null,
      error: o.error ?? null,
      retry_in_ms: o.retryInMs ?? null,
      release: o.release ?? false,
    });
  }
  const result = await db.query<{ id: string }>(FINISH_JOBS([ids, tokens, JSON.stringify(others)]));
  return new Set(result.rows.map((row) => row.id));
}
