import type { Client } from 'pg';

/** The tenants and task types the filled tasks are spread over, round robin. */
export const FILL_TENANTS = ['acme', 'globex', 'initech', 'umbrella', 'hooli'];
export const FILL_TYPES = ['echo', 'csv.import', 'http.fetch', 'report'];
/** A type no filled task has: the listing filtered by it matches nothing. */
export const UNUSED_TYPE = 'never.used';
/** The job type of the filled backlog: the drain's no-op handler takes it. */
export const BACKLOG_JOB_TYPE = 'bench.scale.noop';

/**
 * Finished tasks, one a second going back from now, over the tenants and types round robin: 96%
 * succeeded, 3% failed, 1% cancelled. Without events: the listing never reads them. Their jobs'
 * ids are negative (no such job), as the retention bench does.
 */
const FILL_TASKS = `
INSERT INTO tasks (id, tenant, type, status, payload, max_attempts, job_id, attempts, last_seq,
                   created_at, updated_at, started_at, finished_at)
SELECT gen_random_uuid(), ($2::text[])[1 + g % cardinality($2::text[])],
       ($3::text[])[1 + g % cardinality($3::text[])],
       (CASE WHEN g / 20 % 100 < 3 THEN 'failed' WHEN g / 20 % 100 = 3 THEN 'cancelled'
             ELSE 'succeeded' END)::task_status,
       jsonb_build_object('n', g), 3, -g, 1, 3,
       now() - g * interval '1 second', now() - g * interval '1 second',
       now() - g * interval '1 second', now() - g * interval '1 second'
FROM generate_series($4::int, $4::int + $1::int - 1) g`;

/** Queued jobs, all runnable now, in id order. */
const FILL_JOBS = `
INSERT INTO jobs (queue, type, run_at)
SELECT 'default', $2, now() - interval '1 hour' FROM generate_series(1, $1::int)`;

/** One succeeded task of the first tenant with `$1` events (created, progress…, succeeded). */
const FILL_EVENTS = `
WITH task AS (
  INSERT INTO tasks (id, tenant, type, status, max_attempts, job_id, attempts, last_seq,
                     started_at, finished_at)
  VALUES (gen_random_uuid(), $2, 'echo', 'succeeded', 3, -2000000000, 1, $1, now(), now())
  RETURNING id
), events AS (
  INSERT INTO task_events (task_id, seq, kind, data)
  SELECT task.id, seq,
         CASE seq WHEN 1 THEN 'created' WHEN $1 THEN 'succeeded' ELSE 'progress' END,
         jsonb_build_object('done', seq, 'total', $1, 'message', 'step ' || seq)
  FROM task, generate_series(1, $1::int) seq
)
SELECT id::text FROM task`;

/** Inserts in slices of this many rows, each its own statement, to keep each transaction short. */
const SLICE = 200_000;

export interface Filled {
  tasks: number;
  jobs: number;
  eventsTaskId: string;
  events: number;
  seconds: number;
}

/** Queued jobs of the backlog's type, in slices. */
export async function fillJobs(db: Client, count: number): Promise<void> {
  for (let done = 0; done < count; done += SLICE) {
    await db.query(FILL_JOBS, [Math.min(SLICE, count - done), BACKLOG_JOB_TYPE]);
  }
}

/** Fills a migrated database (search_path set to Taskyard's schema), then runs VACUUM ANALYZE. */
export async function fill(
  db: Client,
  counts: { tasks: number; jobs: number; events: number },
  progress: (line: string) => void,
): Promise<Filled> {
  const started = performance.now();
  for (let first = 1; first <= counts.tasks; first += SLICE) {
    const rows = Math.min(SLICE, counts.tasks - first + 1);
    await db.query(FILL_TASKS, [rows, FILL_TENANTS, FILL_TYPES, first]);
    progress(`tasks: ${first + rows - 1} of ${counts.tasks}`);
  }
  await fillJobs(db, counts.jobs);
  progress(`jobs: ${counts.jobs}`);
  const { rows } = await db.query<{ id: string }>(FILL_EVENTS, [counts.events, FILL_TENANTS[0]]);
  await db.query('VACUUM ANALYZE');
  return {
    ...counts,
    eventsTaskId: rows[0]?.id ?? '',
    seconds: (performance.now() - started) / 1000,
  };
}

/** How the database was filled, for the report. */
export const FILL_DESCRIPTION = [
  `tasks: INSERT … SELECT FROM generate_series, in slices of ${SLICE.toLocaleString('en-US')}, one a second back from now,`,
  `  round robin over tenants ${FILL_TENANTS.join(', ')} and types ${FILL_TYPES.join(', ')};`,
  '  96% succeeded, 3% failed, 1% cancelled; no events',
  `jobs: queued, type ${BACKLOG_JOB_TYPE}, queue default, runnable now`,
  `one extra succeeded task of ${FILL_TENANTS[0]} with the events; then VACUUM ANALYZE`,
];
