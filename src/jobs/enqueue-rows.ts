import type { Db } from './db.js';
import { type Job, type JobSpec, toJob } from './job.js';
import {
  type EnqueueRow,
  type InsertedRow,
  insertJobs,
  selectByIdempotencyKeys,
} from './sql/enqueue.sql.js';

/** A checked spec: the row as the insert reads it, and its JSON text. */
export interface PreparedJob {
  row: EnqueueRow;
  json: string;
}

const SMALLINT = 32767;
const INT4 = 2147483647;

export class InvalidJobSpecError extends TypeError {
  override readonly name = 'InvalidJobSpecError';
}

/**
 * Checks a spec and turns it into one input row; throws InvalidJobSpecError. `traceParent`: the
 * caller's, for a spec that does not say.
 */
export function prepareJob(
  spec: JobSpec,
  defaultMaxAttempts: number,
  traceParent?: string,
): PreparedJob {
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
    trace_parent: spec.traceParent === undefined ? (traceParent ?? null) : spec.traceParent,
  };
  let json: string;
  try {
    json = JSON.stringify(row);
  } catch (error) {
    throw new InvalidJobSpecError(
      `Invalid job: payload is not JSON-serializable (${(error as Error).message})`,
    );
  }
  // PostgreSQL's jsonb and text cannot hold NUL: refuse it here, not in a batch shared with others.
  if (json.includes('\\u0000'))
    throw new InvalidJobSpecError('Invalid job: it contains a NUL character');
  return { row, json };
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
    !(Number.isInteger(spec.maxAttempts) && spec.maxAttempts >= 1 && spec.maxAttempts <= INT4)
  ) {
    return `maxAttempts must be an integer between 1 and ${INT4}`;
  }
  if (
    spec.timeoutMs !== undefined &&
    !(Number.isInteger(spec.timeoutMs) && spec.timeoutMs >= 1 && spec.timeoutMs <= INT4)
  ) {
    return `timeoutMs must be an integer between 1 and ${INT4}`;
  }
  if (spec.delayMs !== undefined && !(Number.isSafeInteger(spec.delayMs) && spec.delayMs >= 0)) {
    return 'delayMs must be a whole number of milliseconds, at least 0';
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
 * Inserts the jobs and returns one job per input, in order: the new job, or for an input whose
 * idempotency key was taken, the job that holds it.
 */
export async function insertPrepared(db: Db, schema: string, jobs: PreparedJob[]): Promise<Job[]> {
  const inserted = await insertJobs(db, schema, `[${jobs.map((j) => j.json).join(',')}]`);
  // RETURNING gives inserted rows in input order; an input whose key was taken has none.
  const results: (Job | undefined)[] = [];
  const byKey = new Map<string, Job>();
  let cursor = 0;
  for (const { row } of jobs) {
    const key = row.idempotency_key;
    const next = inserted[cursor];
    if (next && next.idempotency_key === key && (key === null || !byKey.has(key))) {
      cursor++;
      const job = newJob(row, next);
      if (key !== null) byKey.set(key, job);
      results.push(job);
    } else {
      results.push(undefined);
    }
  }
  const taken = new Set<string>();
  for (const { row } of jobs) {
    if (row.idempotency_key !== null && !byKey.has(row.idempotency_key))
      taken.add(row.idempotency_key);
  }
  if (taken.size > 0) {
    for (const existing of await selectByIdempotencyKeys(db, schema, [...taken])) {
      byKey.set(existing.idempotency_key ?? '', toJob(existing));
    }
  }
  return jobs.map(({ row }, i) => {
    const job =
      results[i] ?? (row.idempotency_key === null ? undefined : byKey.get(row.idempotency_key));
    if (!job)
      throw new Error(
        `enqueue lost track of a job (idempotency key ${row.idempotency_key ?? 'none'})`,
      );
    return job;
  });
}

/** The job as the insert wrote it, from the input row and what the database assigned. */
function newJob(row: EnqueueRow, inserted: InsertedRow): Job {
  return {
    id: inserted.id,
    queue: row.queue,
    type: row.type,
    payload: row.payload,
    status: 'queued',
    priority: row.priority,
    runAt: row.run_at ? new Date(row.run_at) : new Date(inserted.created_at_ms + row.delay_ms),
    attempts: 0,
    maxAttempts: row.max_attempts,
    timeoutMs: row.timeout_ms,
    idempotencyKey: row.idempotency_key,
    concurrencyKey: row.concurrency_key,
    groupKey: row.group_key,
    leaseOwner: null,
    leaseExpiresAt: null,
    cancelRequestedAt: null,
    lastError: null,
    result: null,
    progress: null,
    createdAt: new Date(inserted.created_at_ms),
    startedAt: null,
    finishedAt: null,
  };
}
