import type { Db } from '../db.js';

export interface ActivityRow {
  queue: string;
  at: Date;
  succeeded: number;
  failed: number;
}

export interface ActivityWindow {
  from: Date;
  to: Date;
}

/**
 * The window: `minutes` whole minutes, the current one last (it is still filling). Read from the
 * database's clock, which is the one finished_at was written with.
 */
const WINDOW = `
SELECT date_trunc('minute', now()) - ($1::int - 1) * interval '1 minute' AS "from", now() AS "to"`;

/**
 * Jobs that ended succeeded or failed since `from`, counted per queue and minute. The range on
 * finished_at is what jobs_finished_at_brin (migrations/0008) serves: only the block ranges
 * written in the window are read, not a week of retained jobs.
 */
const FINISHED_PER_MINUTE = `
SELECT queue, date_trunc('minute', finished_at) AS at,
       count(*) FILTER (WHERE status = 'succeeded')::int AS succeeded,
       count(*) FILTER (WHERE status = 'failed')::int AS failed
FROM jobs
WHERE finished_at >= $1 AND status IN ('succeeded', 'failed')
GROUP BY 1, 2`;

export async function activityWindow(db: Db, minutes: number): Promise<ActivityWindow> {
  const { rows } = await db.query<ActivityWindow>(WINDOW, [minutes]);
  const [window] = rows;
  if (!window) throw new Error('the window query answered no row');
  return window;
}

export async function finishedPerMinute(db: Db, from: Date): Promise<ActivityRow[]> {
  return (await db.query<ActivityRow>(FINISHED_PER_MINUTE, [from])).rows;
}
