import type { Db } from '../db.js';
import { JOBS_CHANNEL } from '../db.js';
import type { JobRow } from '../job.js';
import { forSchema } from './for-schema.js';

/**
 * A queued job is cancelled at once. A running one is marked and its worker told by NOTIFY; the
 * worker fires the job's AbortSignal and records `cancelled` when the handler stops.
 */
const CANCEL_JOB = forSchema(
  (schema) => `
WITH target AS (SELECT id, status FROM ${schema}.jobs WHERE id = ANY($1::bigint[]) ORDER BY id FOR UPDATE),
cancelled AS (
  UPDATE ${schema}.jobs j SET status = 'cancelled', finished_at = now()
  FROM target t WHERE j.id = t.id AND t.status = 'queued'
  RETURNING j.*
), requested AS (
  UPDATE ${schema}.jobs j SET cancel_requested_at = COALESCE(j.cancel_requested_at, now())
  FROM target t WHERE j.id = t.id AND t.status = 'running'
  RETURNING j.*
), notified AS (
  SELECT pg_notify('${JOBS_CHANNEL}', 'cancel:' || id) FROM requested
)
SELECT * FROM cancelled
UNION ALL
SELECT * FROM requested WHERE (SELECT count(*) FROM notified) >= 0`,
);

const RETRY_JOBS = `
WITH retried AS (
  UPDATE jobs SET status = 'queued', attempts = 0, run_at = now(), finished_at = NULL,
                  cancel_requested_at = NULL
  WHERE id = ANY($1::bigint[]) AND status IN ('failed', 'cancelled')
  RETURNING *
), notified AS (
  SELECT pg_notify('${JOBS_CHANNEL}', 'queue:' || queue) FROM retried
)
SELECT * FROM retried WHERE (SELECT count(*) FROM notified) >= 0`;

const SELECT_JOB = `SELECT * FROM jobs WHERE id = $1`;

/** The jobs that were cancelled or asked to cancel; jobs that had finished are left out. */
export async function cancelJobs(db: Db, schema: string, ids: string[]): Promise<JobRow[]> {
  return (await db.query<JobRow>(CANCEL_JOB(schema), [ids])).rows;
}

/**
 * The jobs queued again; those missing, or not failed or cancelled, are left out. Each row's
 * UPDATE waits for a concurrent one and re-checks the status, so two retries of one job queue it
 * once.
 */
export async function retryJobs(db: Db, ids: string[]): Promise<JobRow[]> {
  return (await db.query<JobRow>(RETRY_JOBS, [ids])).rows;
}

export async function selectJob(db: Db, id: string): Promise<JobRow | undefined> {
  return (await db.query<JobRow>(SELECT_JOB, [id])).rows[0];
}
