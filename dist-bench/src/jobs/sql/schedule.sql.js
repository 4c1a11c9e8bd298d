import { JOBS_CHANNEL } from '../db.js';
const REGISTER_SCHEDULE = `
INSERT INTO job_schedules (name, cron, last_tick) VALUES ($1, $2, $3)
ON CONFLICT (name) DO UPDATE SET cron = EXCLUDED.cron`;
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
export async function registerSchedule(db, name, cron, tick) {
    await db.query(REGISTER_SCHEDULE, [name, cron, tick]);
}
export async function fireSchedule(db, job) {
    const { name, tick, queue, type, maxAttempts } = job;
    const result = await db.query(FIRE_SCHEDULE, [
        name,
        tick,
        queue,
        type,
        maxAttempts,
    ]);
    return result.rows[0]?.id;
}
//# sourceMappingURL=schedule.sql.js.map