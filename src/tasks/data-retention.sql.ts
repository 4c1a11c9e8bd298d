import type { Db } from '../database/db.js';

/**
 * The shortest retention in force, in hours: the setting's and every tenant's own, 0 (kept) left
 * out. NULL when everything is kept. A cheap first bound for the walks below.
 */
const SHORTEST = (column: string) => `
SELECT min(h) AS h FROM (
  SELECT $1::int AS h UNION ALL SELECT ${column} FROM tenant_limits
) AS hours WHERE h > 0`;

/**
 * Finished tasks past their tenant's retention, a batch from the oldest. It walks
 * tasks_created_idx, bounded by the shortest retention: a task finishes after it was created.
 */
const EXPIRED_TASKS = `
WITH shortest AS (${SHORTEST('task_retention_hours')})
SELECT t.id, t.type, t.tenant
FROM shortest, tasks t LEFT JOIN tenant_limits l ON l.tenant = t.tenant
WHERE t.created_at < now() - shortest.h * interval '1 hour'
  AND t.status IN ('succeeded', 'failed', 'cancelled')
  AND coalesce(l.task_retention_hours, $1) > 0
  AND t.finished_at < now() - coalesce(l.task_retention_hours, $1) * interval '1 hour'
ORDER BY t.created_at
LIMIT $2`;

/** Uploads past their tenant's retention that no task refers to, a batch from the oldest. */
const EXPIRED_FILES = `
WITH shortest AS (${SHORTEST('file_retention_hours')})
SELECT f.id
FROM shortest, files f LEFT JOIN tenant_limits l ON l.tenant = f.tenant
WHERE f.task_id IS NULL
  AND f.created_at < now() - shortest.h * interval '1 hour'
  AND coalesce(l.file_retention_hours, $1) > 0
  AND f.created_at < now() - coalesce(l.file_retention_hours, $1) * interval '1 hour'
  AND NOT EXISTS (SELECT 1 FROM tasks t WHERE t.input_file_id = f.id)
  AND NOT EXISTS (SELECT 1 FROM task_schedules s WHERE s.input_file_id = f.id)
ORDER BY f.created_at
LIMIT $2`;

export interface ExpiredTask {
  id: string;
  type: string;
  tenant: string;
}

export async function expiredTasks(
  db: Db,
  defaultHours: number,
  batch: number,
): Promise<ExpiredTask[]> {
  return (await db.query<ExpiredTask>(EXPIRED_TASKS, [defaultHours, batch])).rows;
}

export async function expiredFiles(db: Db, defaultHours: number, batch: number): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(EXPIRED_FILES, [defaultHours, batch]);
  return rows.map((row) => row.id);
}
