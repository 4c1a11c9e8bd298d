import { type Db, prepared } from '../database/db.js';
import type { WorkerKind, WorkerProcess, WorkerRole, WorkerStatus } from './worker-process.js';

/** What a worker process registers with. */
export type WorkerRegistration = Pick<
  WorkerProcess,
  'id' | 'host' | 'pid' | 'version' | 'startedAt' | 'concurrency' | 'types' | 'queues'
> & { role: WorkerRole };

export interface WorkerProcessRow {
  id: string;
  kind: WorkerKind;
  role: WorkerRole | 'remote';
  host: string;
  pid: number;
  version: string;
  started_at: Date;
  concurrency: number;
  in_flight: number;
  types: string[];
  queues: string[];
  last_seen_at: Date;
  /** Set by a clean stop, or computed by the read for a process silent past the limit. */
  gone_at: Date | null;
  tenant: string | null;
}

/** Also after a heartbeat found no row (a process silent past the retention period comes back). */
const REGISTER = `
INSERT INTO worker_processes
  (id, role, host, pid, version, started_at, concurrency, in_flight, types, queues)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::text[], $10::text[])
ON CONFLICT (id) DO UPDATE SET
  in_flight = EXCLUDED.in_flight, types = EXCLUDED.types, queues = EXCLUDED.queues,
  last_seen_at = now(), gone_at = NULL`;

/** One row by its key, no indexed column changed: a HOT update (see migrations/0007). */
const HEARTBEAT = prepared(
  'worker-heartbeat',
  `UPDATE worker_processes SET last_seen_at = now(), in_flight = $2 WHERE id = $1`,
);

const MARK_GONE = `
UPDATE worker_processes SET gone_at = now(), last_seen_at = now(), in_flight = 0 WHERE id = $1`;

/**
 * Every registered process, newest first, `gone_at` filled in for the silent ones: a process
 * killed without a word cannot say it is gone, and the readers need no sweeper to see it.
 * worker_alive() (migrations/repeatable/functions.sql) is the one definition of alive.
 */
const LIST = `
SELECT * FROM (
  SELECT id, kind, role, host, pid, version, started_at, concurrency, in_flight, types, queues,
         last_seen_at,
         CASE WHEN worker_alive(gone_at, last_seen_at, $1) THEN NULL
              ELSE COALESCE(gone_at, last_seen_at + $1::int * interval '1 millisecond') END AS gone_at,
         NULL::text AS tenant
  FROM worker_processes
  UNION ALL
  -- Remote workers (migrations/0010): alive by the same rule, their tasks counted from the jobs
  -- they hold (one lookup per remote worker, on the running jobs only).
  SELECT r.id, 'remote', 'remote', r.name, 0, '', r.registered_at,
         (SELECT COALESCE(sum((t->>'concurrency')::int), 0)::int FROM jsonb_array_elements(r.types) t),
         (SELECT count(*)::int FROM jobs j WHERE j.status = 'running' AND j.lease_owner = r.id),
         ARRAY(SELECT 'task:' || (t->>'type') FROM jsonb_array_elements(r.types) t),
         ARRAY['tasks'], r.last_seen_at,
         CASE WHEN worker_alive(NULL, r.last_seen_at, $1) THEN NULL
              ELSE r.last_seen_at + $1::int * interval '1 millisecond' END,
         r.tenant
  FROM (SELECT *, 'remote:' || tenant || '/' || name AS id FROM remote_workers) AS r) AS w
WHERE $2::text IS NULL OR (gone_at IS NULL) = ($2 = 'alive')
ORDER BY started_at DESC, id`;

/**
 * For GET /health/queue: workers alive (Taskyard processes and remote workers, by worker_alive()),
 * and processes that went silent without a clean stop ($1 ms without a heartbeat) within the last
 * $2 ms, so that one crash is reported for a while and not until retention deletes its row. Both
 * tables hold a row per worker seen within the retention period and are read whole.
 */
const COUNTS = `
SELECT
  (SELECT count(*) FROM worker_processes WHERE worker_alive(gone_at, last_seen_at, $1))::int
    + (SELECT count(*) FROM remote_workers WHERE worker_alive(NULL, last_seen_at, $1))::int AS alive,
  (SELECT count(*) FROM worker_processes
   WHERE gone_at IS NULL AND NOT worker_alive(gone_at, last_seen_at, $1)
     AND last_seen_at >= now() - ($1::int + $2::bigint) * interval '1 millisecond')::int AS stale`;

/** Rows of processes not heard from since the cut-off (the retention job). */
const PRUNE = `
DELETE FROM worker_processes WHERE last_seen_at < now() - $1::bigint * interval '1 millisecond'`;

export async function registerWorker(
  db: Db,
  worker: WorkerRegistration,
  inFlight: number,
): Promise<void> {
  const { id, role, host, pid, version, startedAt, concurrency, types, queues } = worker;
  await db.query(REGISTER, [
    id,
    role,
    host,
    pid,
    version,
    startedAt,
    concurrency,
    inFlight,
    types,
    queues,
  ]);
}

/** False when the row is missing (pruned, or never registered): register again. */
export async function heartbeatWorker(db: Db, id: string, inFlight: number): Promise<boolean> {
  return ((await db.query(HEARTBEAT([id, inFlight]))).rowCount ?? 0) > 0;
}

export async function markWorkerGone(db: Db, id: string): Promise<void> {
  await db.query(MARK_GONE, [id]);
}

export async function listWorkers(
  db: Db,
  goneAfterMs: number,
  status?: WorkerStatus,
): Promise<WorkerProcessRow[]> {
  return (await db.query<WorkerProcessRow>(LIST, [goneAfterMs, status ?? null])).rows;
}

export async function pruneWorkers(db: Db, olderThanMs: number): Promise<number> {
  return (await db.query(PRUNE, [olderThanMs])).rowCount ?? 0;
}

export async function countWorkers(
  db: Db,
  goneAfterMs: number,
  staleWindowMs: number,
): Promise<{ alive: number; stale: number }> {
  const { rows } = await db.query<{ alive: number; stale: number }>(COUNTS, [
    goneAfterMs,
    staleWindowMs,
  ]);
  return rows[0] ?? { alive: 0, stale: 0 };
}
