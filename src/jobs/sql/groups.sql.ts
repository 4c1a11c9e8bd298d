import type { Db } from '../db.js';

/**
 * Sets a group's own cap on running jobs (NULL: the claiming worker's JOBS_GROUP_MAX_RUNNING).
 * The row is made if missing, so that the first claim of the group already finds its cap (a claim
 * that creates the row grants at most JOBS_GROUP_MAX_RUNNING). The WHERE leaves an unchanged row
 * alone: no new row version, so claims of the group are not held up by a no-op.
 */
const SET_GROUP_MAX_RUNNING = `
INSERT INTO job_groups AS g (key, max_running) VALUES ($1, $2)
ON CONFLICT (key) DO UPDATE SET max_running = EXCLUDED.max_running
WHERE g.max_running IS DISTINCT FROM EXCLUDED.max_running`;

export async function setGroupMaxRunning(
  db: Db,
  key: string,
  maxRunning: number | null,
): Promise<void> {
  await db.query(SET_GROUP_MAX_RUNNING, [key, maxRunning]);
}
