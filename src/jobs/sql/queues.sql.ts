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

/**
 * How long the oldest runnable job (queued, due, in a queue not paused) has waited since it became
 * due, in milliseconds; 0 when none is runnable.
 * A skip scan over jobs_claim_idx (priority DESC, run_at, id, partial on queued rows): one probe
 * per distinct priority finds the next lower one, then per priority the index is read in run_at
 * order up to the first due row of an unpaused queue. A full min(run_at) would read the whole
 * backlog, the very thing that is large when this is asked.
 */
const OLDEST_RUNNABLE = `
WITH RECURSIVE priorities AS (
  (SELECT priority FROM jobs WHERE status = 'queued' ORDER BY priority DESC LIMIT 1)
  UNION ALL
  SELECT (SELECT j.priority FROM jobs j
          WHERE j.status = 'queued' AND j.priority < p.priority ORDER BY j.priority DESC LIMIT 1)
  FROM priorities p WHERE p.priority IS NOT NULL
)
SELECT COALESCE(extract(epoch FROM now() - min(o.run_at)) * 1000, 0)::float8 AS waited_ms
FROM priorities p CROSS JOIN LATERAL (
  SELECT j.run_at FROM jobs j
  WHERE j.status = 'queued' AND j.priority = p.priority AND j.run_at <= now()
    AND NOT EXISTS (SELECT 1 FROM job_queues q WHERE q.name = j.queue AND q.paused)
  ORDER BY j.run_at LIMIT 1) o`;

export async function oldestRunnableWaitMs(db: Db): Promise<number> {
  const { rows } = await db.query<{ waited_ms: number }>(OLDEST_RUNNABLE);
  return Math.round(rows[0]?.waited_ms ?? 0);
}
