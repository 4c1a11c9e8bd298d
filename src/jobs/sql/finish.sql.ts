import { type Db, JOBS_CHANNEL, prepared } from '../db.js';
import type { ErrorKind } from '../errors.js';

/** How a claimant ends its hold on a job. */
export interface Outcome {
  id: string;
  token: string;
  status: 'succeeded' | 'failed' | 'cancelled' | 'queued';
  result?: unknown;
  /** As last_error keeps it: `<ErrorName>: <message>`, or a sentence. */
  error?: string;
  /** Unset: `cancelled` for a cancelled job, else `error`. */
  errorKind?: ErrorKind;
  /** What a task shows of the error; unset: `error` whole. */
  errorDetail?: string;
  /** For `queued`: when to run again. */
  retryInMs?: number;
  /** For `queued`: hand the job back without counting the attempt (shutdown). */
  release?: boolean;
  /** The job's group, whose running count this outcome lowers. */
  groupKey?: string | null;
}

/**
 * Writes many outcomes in one statement. The common case, a success without a result, travels as
 * two arrays ($1 ids, $2 tokens); the others as JSON ($3). The lease token is checked row by row: a
 * worker whose job was reaped (and perhaps claimed again) changes nothing. A lease that ran out but
 * was not reaped yet still fences: only the reaper clears a token, so nobody else can have run the
 * job, and its outcome is accepted rather than thrown away for a run that happened exactly once.
 * The ids returned are the outcomes that were refused (usually none, so usually nothing to parse).
 */
const FINISH_JOBS = prepared(
  'finish',
  `
WITH outcome AS (
  SELECT id, token, 'succeeded'::job_status AS status, NULL::jsonb AS result, NULL::text AS error,
         NULL::text AS error_kind, NULL::text AS error_detail, NULL::integer AS retry_in_ms,
         false AS release
  FROM unnest($1::bigint[], $2::bigint[]) AS plain(id, token)
  UNION ALL
  SELECT * FROM json_to_recordset($3::json) AS x(
    id bigint, token bigint, status job_status, result jsonb, error text, error_kind text,
    error_detail text, retry_in_ms integer, release boolean)
), groups_locked AS (
  -- Leaving \`running\` lowers job_groups.running through a trigger; take those rows' locks first, in
  -- key order like the claim does, so that two writers never wait on each other in a cycle.
  SELECT g.key FROM job_groups g WHERE g.key = ANY($4::text[]) ORDER BY g.key FOR UPDATE
), finished AS (
  UPDATE jobs j SET
    -- A job asked to cancel is not put back in the queue by a retry or a hand-back.
    status = CASE WHEN o.status = 'queued' AND j.cancel_requested_at IS NOT NULL
                  THEN 'cancelled'::job_status ELSE o.status END,
    result = CASE WHEN o.status = 'succeeded' THEN o.result ELSE j.result END,
    last_error = COALESCE(o.error, j.last_error),
    -- What the tasks trigger reads (migrations/repeatable/functions.sql); kept as a whole with the text.
    error_kind = CASE WHEN o.error IS NULL THEN j.error_kind ELSE o.error_kind END,
    error_detail = CASE WHEN o.error IS NULL THEN j.error_detail ELSE o.error_detail END,
    handed_back = o.release,
    run_at = CASE WHEN o.status = 'queued' THEN now() + COALESCE(o.retry_in_ms, 0) * interval '1 millisecond' ELSE j.run_at END,
    attempts = CASE WHEN o.release THEN j.attempts - 1 ELSE j.attempts END,
    finished_at = CASE WHEN o.status = 'queued' AND j.cancel_requested_at IS NULL THEN NULL ELSE now() END,
    lease_owner = NULL, lease_token = NULL, lease_expires_at = NULL
  FROM outcome o
  WHERE j.id = o.id AND j.lease_token = o.token AND j.status = 'running'
    AND (SELECT count(*) FROM groups_locked) >= 0
  RETURNING j.id, j.queue, j.status, j.run_at, j.concurrency_key, j.group_key
), notified AS (
  -- Wake workers for jobs due again, and for jobs that were waiting on a key or group slot freed here.
  SELECT pg_notify('${JOBS_CHANNEL}', 'queue:' || queue)
  FROM (SELECT DISTINCT queue FROM finished
        WHERE (status = 'queued' AND run_at <= now()) OR concurrency_key IS NOT NULL OR group_key IS NOT NULL) AS due
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
      error_kind: o.error === undefined ? null : (o.errorKind ?? defaultKind(o.status)),
      error_detail: o.error === undefined ? null : (o.errorDetail ?? o.error),
      retry_in_ms: o.retryInMs ?? null,
      release: o.release ?? false,
    });
  }
  const groups = [
    ...new Set(outcomes.map((o) => o.groupKey).filter((g): g is string => Boolean(g))),
  ];
  const result = await db.query<{ id: string }>(
    FINISH_JOBS([ids, tokens, JSON.stringify(others), groups]),
  );
  return new Set(result.rows.map((row) => row.id));
}

function defaultKind(status: Outcome['status']): ErrorKind {
  return status === 'cancelled' ? 'cancelled' : 'error';
}
