import { type Db, JOBS_CHANNEL, prepared } from '../db.js';
import type { JobRow } from '../job.js';
import { forSchema } from './for-schema.js';

/** One row of the enqueue statement's JSON input (snake_case, as the SQL reads it). */
export interface EnqueueRow {
  queue: string;
  type: string;
  payload: unknown;
  priority: number;
  run_at: string | null;
  delay_ms: number;
  max_attempts: number;
  timeout_ms: number | null;
  idempotency_key: string | null;
  concurrency_key: string | null;
  group_key: string | null;
  trace_parent: string | null;
}

/**
 * Inserts any number of jobs in one statement: the rows travel as one JSON parameter, so the
 * statement and its plan do not change with the batch size. A row whose idempotency key exists is
 * skipped (the caller then looks the existing job up). One NOTIFY per queue with jobs due now,
 * sent by PostgreSQL when the transaction commits. It answers only what the caller does not know
 * (id and creation time): reading whole rows back costs more than writing them.
 */
const INSERT_JOBS = forSchema((schema) =>
  prepared(
    'insert',
    `
WITH input AS (
  SELECT * FROM json_to_recordset($1::json) AS x(
    queue text, type text, payload jsonb, priority smallint, run_at timestamptz, delay_ms bigint,
    max_attempts integer, timeout_ms integer, idempotency_key text, concurrency_key text, group_key text,
    trace_parent text)
), inserted AS (
  INSERT INTO ${schema}.jobs (queue, type, payload, priority, run_at, max_attempts, timeout_ms,
                    idempotency_key, concurrency_key, group_key, trace_parent)
  SELECT queue, type, COALESCE(payload, '{}'), priority,
         COALESCE(run_at, now() + delay_ms * interval '1 millisecond'),
         max_attempts, timeout_ms, idempotency_key, concurrency_key, group_key, trace_parent
  FROM input
  ON CONFLICT (idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
  RETURNING id, queue, run_at, idempotency_key, (extract(epoch FROM created_at) * 1000)::float8 AS created_at_ms
), notified AS (
  SELECT pg_notify('${JOBS_CHANNEL}', 'queue:' || queue)
  FROM (SELECT DISTINCT queue FROM inserted WHERE run_at <= now()) AS due
)
SELECT id, idempotency_key, created_at_ms FROM inserted WHERE (SELECT count(*) FROM notified) >= 0`,
  ),
);

const SELECT_BY_IDEMPOTENCY_KEYS = forSchema(
  (schema) => `SELECT * FROM ${schema}.jobs WHERE idempotency_key = ANY($1::text[])`,
);

export interface InsertedRow {
  id: string;
  idempotency_key: string | null;
  created_at_ms: number;
}

/** `rowsJson`: a JSON array of EnqueueRow objects. Rows come back in input order. */
export async function insertJobs(db: Db, schema: string, rowsJson: string): Promise<InsertedRow[]> {
  return (await db.query<InsertedRow>(INSERT_JOBS(schema)([rowsJson]))).rows;
}

export async function selectByIdempotencyKeys(
  db: Db,
  schema: string,
  keys: string[],
): Promise<JobRow[]> {
  return (await db.query<JobRow>(SELECT_BY_IDEMPOTENCY_KEYS(schema), [keys])).rows;
}
