import type { Db } from '../db.js';
import { JOBS_CHANNEL } from '../db.js';
import type { JobStatus } from '../job.js';

export interface QueueStatsRow {
  queue: string;
  status: JobStatus;
  count: number;
  /** Seconds the oldest runnable queued job has waited (queued rows only). */
  oldest_runnable_age_s: number | null;
}

/** Counts by queue and status; finished rows are bounded by retention. */
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

export async function queueStats(db: Db): Promise<QueueStatsRow[]> {
  return (await db.query<QueueStatsRow>(QUEUE_STATS)).rows;
}

export async function pausedQueues(db: Db): Promise<Set<string>> {
  return new Set((await db.query<{ name: string }>(PAUSED_QUEUES)).rows.map((r) => r.name));
}

export async function setQueuePaused(db: Db, queue: string, paused: boolean): Promise<void> {
  await db.query(SET_PAUSED, [queue, paused]);
}
