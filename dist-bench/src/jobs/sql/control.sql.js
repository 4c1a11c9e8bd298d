import { JOBS_CHANNEL } from '../db.js';
const CANCEL_JOB = `
WITH target AS (SELECT id, status FROM jobs WHERE id = $1 FOR UPDATE),
cancelled AS (
  UPDATE jobs j SET status = 'cancelled', finished_at = now()
  FROM target t WHERE j.id = t.id AND t.status = 'queued'
  RETURNING j.*
), requested AS (
  UPDATE jobs j SET cancel_requested_at = COALESCE(j.cancel_requested_at, now())
  FROM target t WHERE j.id = t.id AND t.status = 'running'
  RETURNING j.*
), notified AS (
  SELECT pg_notify('${JOBS_CHANNEL}', 'cancel:' || id) FROM requested
)
SELECT * FROM cancelled
UNION ALL
SELECT * FROM requested WHERE (SELECT count(*) FROM notified) >= 0`;
const RETRY_JOB = `
WITH retried AS (
  UPDATE jobs SET status = 'queued', attempts = 0, run_at = now(), finished_at = NULL,
                  cancel_requested_at = NULL
  WHERE id = $1 AND status IN ('failed', 'cancelled')
  RETURNING *
), notified AS (
  SELECT pg_notify('${JOBS_CHANNEL}', 'queue:' || queue) FROM retried
)
SELECT * FROM retried WHERE (SELECT count(*) FROM notified) >= 0`;
const SELECT_JOB = `SELECT * FROM jobs WHERE id = $1`;
export async function cancelJob(db, id) {
    return (await db.query(CANCEL_JOB, [id])).rows[0];
}
export async function retryJob(db, id) {
    return (await db.query(RETRY_JOB, [id])).rows[0];
}
export async function selectJob(db, id) {
    return (await db.query(SELECT_JOB, [id])).rows[0];
}
//# sourceMappingURL=control.sql.js.map