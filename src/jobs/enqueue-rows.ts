import type { Db } from './db.js';
import type { JobRow, JobSpec } from './job.js';
import { type EnqueueRow, insertJobs, selectByIdempotencyKeys } from './sql/enqueue.sql.js';

const SMALLINT = 32767;

export class InvalidJobSpecError extends TypeError {
  override readonly name = 'InvalidJobSpecError';
}

/** Checks a spec and turns it into the JSON text of one input row; throws InvalidJobSpecError. */
export function toEnqueueRow(spec: JobSpec, defaultMaxAttempts: number): string {
  const problem = specProblem(spec);
  if (problem) throw new InvalidJobSpecError(`Invalid job: ${problem}`);
  const row: EnqueueRow = {
    queue: spec.queue ?? 'default',
    type: spec.type,
    payload: spec.payload ?? {},
    priority: spec.priority ?? 0,
    run_at: spec.runAt ? spec.runAt.toISOString() : null,
    delay_ms: spec.delayMs ?? 0,
    max_attempts: spec.maxAttempts ?? defaultMaxAttempts,
    timeout_ms: spec.timeoutMs ?? null,
    idempotency_key: spec.idempotencyKey ?? null,
    concurrency_key: spec.concurrencyKey ?? null,
    group_key: spec.groupKey ?? null,
  };
  try {
    return JSON.stringify(row);
  } catch (error) {
    throw new InvalidJobSpecError(
      `Invalid job: payload is not JSON-serializable (${(error as Error).message})`,
    );
  }
}

function specProblem(spec: JobSpec): string | undefined {
  if (typeof spec.type !== 'string' || spec.type.length === 0 || spec.type.length > 200) {
    return 'type must be a non-empty string of at most 200 characters';
  }
  if (spec.queue !== undefined && !/^[\w.:-]{1,100}$/.test(spec.queue))
    return 'queue must match [A-Za-z0-9_.:-]{1,100}';
  if (
    spec.priority !== undefined &&
    !(Number.isInteger(spec.priority) && Math.abs(spec.priority) <= SMALLINT)
  ) {
    return `priority must be an integer between -${SMALLINT} and ${SMALLINT}`;
  }
  if (
    spec.maxAttempts !== undefined &&
    !(Number.isInteger(spec.maxAttempts) && spec.maxAttempts >= 1)
  ) {
    return 'maxAttempts must be an integer of at least 1';
  }
  if (spec.timeoutMs !== undefined && !(Number.isInteger(spec.timeoutMs) && spec.timeoutMs >= 1)) {
    return 'timeoutMs must be a positive integer';
  }
  if (spec.delayMs !== undefined && !(Number.isFinite(spec.delayMs) && spec.delayMs >= 0)) {
    return 'delayMs must be a number of at least 0';
  }
  if (
    spec.runAt !== undefined &&
    !(spec.runAt instanceof Date && Number.isFinite(spec.runAt.getTime()))
  ) {
    return 'runAt must be a valid Date';
  }
  return undefined;
}

/**
 * Inserts the rows and returns one job per row, in order: the new job, or for a row whose
 * idempotency key was taken, the job that holds it.
 */
export async function insertRows(
  db: Db,
  rowsJson: string[],
  keys: (string | null)[],
): Promise<JobRow[]> {
  const inserted = await insertJobs(db, `[${rowsJson.join(',')}]`);
  const byKey = new Map<string, JobRow>();
  const unkeyed: JobRow[] = [];
  for (const row of inserted) {
    if (row.idempotency_key === null) unkeyed.push(row);
    else byKey.set(row.idempotency_key, row);
  }
  const missing = [...new Set(keys.filter((k): k is string => k !== null && !byKey.has(k)))];
  if (missing.length > 0) {
    for (const row of await selectByIdempotencyKeys(db, missing))
      byKey.set(row.idempotency_key ?? '', row);
  }
  // RETURNING gives inserted rows in input order, so unkeyed rows pair up in sequence.
  let next = 0;
  return keys.map((key) => {
    const row = key === null ? unkeyed[next++] : byKey.get(key);
    if (!row) throw new Error(`enqueue lost track of a job (idempotency key ${key ?? 'none'})`);
    return row;
  });
}
