import { JOBS_CHANNEL } from '../db.js';
const QUEUE_STATS = `
SELECT queue, status, count(*)::int AS count,
       extract(epoch FROM now() - min(run_at) FILTER (WHERE status = 'queued' AND run_at <= now()))::float8
         AS oldest_runnable_age_s
FROM jobs GROUP BY queue, status`;
const PAUSED_QUEUES = `SELECT name FROM job_queues WHERE paused`;
const SET_PAUSED = `
WITH changed AS (
  INSERT INTO job_queues (name, paused, paused_at) VALUES ($1, $2, CASE WHEN $2 THEN now() END)
  ON CONFLICT (name) DO UPDATE SET paused = EXCLUDED.paused, paused_at = EXCLUDED.paused_at
  RETURNING name, paused
), notified AS (
  SELECT pg_notify('${JOBS_CHANNEL}', 'queue:' || name) FROM changed WHERE NOT paused
)
SELECT name FROM changed WHERE (SELECT count(*) FROM notified) >= 0`;
export async function queueStats(db) {
    return (await db.query(QUEUE_STATS)).rows;
}
export async function pausedQueues(db) {
    return new Set((await db.query(PAUSED_QUEUES)).rows.map((r) => r.name));
}
export async function setQueuePaused(db, queue, paused) {
    await db.query(SET_PAUSED, [queue, paused]);
}
//# sourceMappingURL=queues.sql.js.map