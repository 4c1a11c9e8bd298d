import type { Db } from '../db.js';
import { JOBS_CHANNEL } from '../db.js';

/** A schedule seen for the first time starts from `tick` without running (it runs at its next tick). */
const REGISTER_SCHEDULE = `
INSERT INTO job_schedules (name, cron, last_tick) VALUES ($1, $2, $3)
ON CONFLICT (name) DO UPDATE SET cron = EXCLUDED.cron`;

/**
 * Moves the schedule to `tick` and enqueues its job, in one statement, only if `tick` is later than
 * its last: every process calls this at every tick and exactly one wins (the row lock serialises
 * them, and the loser's WHERE fails on the winner's new last_tick). The idempotency key
 * `cron:<name>:<tick>` is a second guard.
 */
const FIRE_SCHEDULE = `
WITH advanced AS (
  UPDATE job_schedules SET last_tick = $2
  WHERE name = $1 AND last_tick < $2
  RETURNING name
), inserted AS (
  INSERT INTO jobs (queue, type, payload, max_attempts, idempotency_key)
  SELECT $3, $4, '{}'::jsonb, $5,
         'cron:' || $1 || ':' || to_char($2::timestamptz AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
  FROM advanced
  ON CONFLICT (idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
  RETURNING id, queue
), notified AS (
  SELECT pg_notify('${JOBS_CHANNEL}', 'queue:' || queue) FROM inserted
)
SELECT id FROM inserted WHERE (SELECT count(*) FROM notified) >= 0`;

export async function registerSchedule(
  db: Db,
  name: string,
  cron: string,
  tick: Date,
): Promise<void> {
  await db.query(REGISTER_SCHEDULE, [name, cron, tick]);
}

export interface ScheduledJob {
  name: string;
  tick: Date;
  queue: string;
  type: string;
  maxAttempts: number;
}

/** The id of the job this call enqueued, or undefined when another process (or an earlier call) did. */
export async function fireSchedule(db: Db, job: ScheduledJob): Promise<string | undefined> {
  const { name, tick, queue, type, maxAttempts } = job;
  const result = await db.query<{ id: string }>(FIRE_SCHEDULE, [
    name,
    tick,
    queue,
    type,
    maxAttempts,
  ]);
  return result.rows[0]?.id;
}
