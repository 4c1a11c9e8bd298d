import type { Db } from '../db.js';
import { JOBS_CHANNEL } from '../db.js';
import type { JobStatus } from '../job.js';

/** Any fixed number: the advisory lock that lets one reaper at a time run, cluster-wide. */
export const REAPER_LOCK_ID = 7_240_002;

/**
 * Returns jobs whose lease expired (their worker died or stalled) to the queue, or fails them when
 * their attempts are used up, or cancels them when a cancel was requested. The transaction-scoped
 * advisory lock makes concurrent reapers skip instead of fighting over the same rows.
 */
const REAP_EXPIRED = `
WITH lock AS (SELECT pg_try_advisory_xact_lock(${REAPER_LOCK_ID}) AS held),
reaped AS (
  UPDATE jobs SET
    status = CASE
      WHEN cancel_requested_at IS NOT NULL THEN 'cancelled'::job_status
      WHEN attempts >= max_attempts THEN 'failed'::job_status
      ELSE 'queued'::job_status END,
    last_error = 'lease expired: worker ' || lease_owner || ' stopped or stalled',
    error_kind = 'lease-expired',
    error_detail = 'lease expired: worker ' || lease_owner || ' stopped or stalled',
    handed_back = false,
    run_at = now(),
    finished_at = CASE WHEN cancel_requested_at IS NOT NULL OR attempts >= max_attempts THEN now() END,
    lease_owner = NULL, lease_token = NULL, lease_expires_at = NULL
  WHERE status = 'running' AND lease_expires_at <= now() AND (SELECT held FROM lock)
  RETURNING id, queue, status
), notified AS (
  SELECT pg_notify('${JOBS_CHANNEL}', 'queue:' || queue)
  FROM (SELECT DISTINCT queue FROM reaped WHERE status = 'queued') AS due
)
SELECT id, status FROM reaped WHERE (SELECT count(*) FROM notified) >= 0`;

export async function reapExpired(db: Db): Promise<{ id: string; status: JobStatus }[]> {
  return (await db.query<{ id: string; status: JobStatus }>(REAP_EXPIRED)).rows;
}
