import type { Db } from '../database/db.js';

/**
 * What a tenant has besides its tasks and files: access (its keys, not admin ones: those are the
 * operators'), its webhook endpoints (their deliveries cascade), callback secret, remote workers,
 * limits and schedules. Its tasks lose their callbackUrl so that cancelling them calls nobody.
 */
const FORGET = [
  `DELETE FROM api_keys WHERE tenant = $1 AND role <> 'admin'`,
  `DELETE FROM webhook_endpoints WHERE tenant = $1`,
  `DELETE FROM webhook_callback_secrets WHERE tenant = $1`,
  `DELETE FROM remote_workers WHERE tenant = $1`,
  `DELETE FROM tenant_limits WHERE tenant = $1`,
  `DELETE FROM task_schedules WHERE tenant = $1`,
  `UPDATE tasks SET callback_url = NULL WHERE tenant = $1 AND callback_url IS NOT NULL`,
];

const UNFINISHED_JOBS = `
SELECT job_id::text AS id FROM tasks
WHERE tenant = $1 AND status IN ('queued', 'running') AND job_id > $2::bigint
ORDER BY job_id LIMIT $3`;

const FINISHED_TASKS = `
SELECT id, type, tenant FROM tasks
WHERE tenant = $1 AND status IN ('succeeded', 'failed', 'cancelled') LIMIT $2`;

const UPLOADS = `SELECT id FROM files WHERE tenant = $1 AND task_id IS NULL LIMIT $2`;

const REMAINING = `
SELECT (SELECT count(*)::int FROM tasks WHERE tenant = $1) AS tasks,
       (SELECT count(*)::int FROM files WHERE tenant = $1) AS files`;

export async function forgetTenant(db: Db, tenant: string): Promise<void> {
  for (const statement of FORGET) await db.query(statement, [tenant]);
}

/** The jobs of the tenant's unfinished tasks after job `after`, in job order. */
export async function unfinishedJobs(
  db: Db,
  tenant: string,
  after: string,
  batch: number,
): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(UNFINISHED_JOBS, [tenant, after, batch]);
  return rows.map((r) => r.id);
}

export async function finishedTasks(
  db: Db,
  tenant: string,
  batch: number,
): Promise<{ id: string; type: string; tenant: string }[]> {
  return (
    await db.query<{ id: string; type: string; tenant: string }>(FINISHED_TASKS, [tenant, batch])
  ).rows;
}

export async function uploadsOf(db: Db, tenant: string, batch: number): Promise<string[]> {
  return (await db.query<{ id: string }>(UPLOADS, [tenant, batch])).rows.map((r) => r.id);
}

export async function remainingOf(
  db: Db,
  tenant: string,
): Promise<{ tasks: number; files: number }> {
  return (await db.query<{ tasks: number; files: number }>(REMAINING, [tenant])).rows[0];
}
