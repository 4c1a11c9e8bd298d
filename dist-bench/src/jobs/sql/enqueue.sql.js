import { JOBS_CHANNEL } from '../db.js';
const INSERT_JOBS = `
WITH input AS (
  SELECT * FROM json_to_recordset($1::json) AS x(
    queue text, type text, payload jsonb, priority smallint, run_at timestamptz, delay_ms bigint,
    max_attempts integer, timeout_ms integer, idempotency_key text, concurrency_key text, group_key text)
), inserted AS (
  INSERT INTO jobs (queue, type, payload, priority, run_at, max_attempts, timeout_ms,
                    idempotency_key, concurrency_key, group_key)
  SELECT queue, type, COALESCE(payload, '{}'), priority,
         COALESCE(run_at, now() + delay_ms * interval '1 millisecond'),
         max_attempts, timeout_ms, idempotency_key, concurrency_key, group_key
  FROM input
  ON CONFLICT (idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
  RETURNING *
), notified AS (
  SELECT pg_notify('${JOBS_CHANNEL}', 'queue:' || queue)
  FROM (SELECT DISTINCT queue FROM inserted WHERE run_at <= now()) AS due
)
SELECT * FROM inserted WHERE (SELECT count(*) FROM notified) >= 0`;
const SELECT_BY_IDEMPOTENCY_KEYS = `SELECT * FROM jobs WHERE idempotency_key = ANY($1::text[])`;
export async function insertJobs(db, rowsJson) {
    return (await db.query(INSERT_JOBS, [rowsJson])).rows;
}
export async function selectByIdempotencyKeys(db, keys) {
    return (await db.query(SELECT_BY_IDEMPOTENCY_KEYS, [keys])).rows;
}
//# sourceMappingURL=enqueue.sql.js.map