import type { Db } from '../database/db.js';
import type { RemoteTaskType } from '../tasks/remote-task-types.js';

export interface RemoteWorkerRow {
  tenant: string;
  name: string;
  types: RemoteTaskType[];
  registered_at: Date;
  last_seen_at: Date;
}

/** The lease owner of the jobs a remote worker claims (jobs.lease_owner). */
export function remoteOwner(tenant: string, name: string): string {
  return `remote:${tenant}/${name}`;
}

const REGISTER = `
INSERT INTO remote_workers AS w (tenant, name, types) VALUES ($1, $2, $3::jsonb)
ON CONFLICT (tenant, name) DO UPDATE SET
  types = EXCLUDED.types, registered_at = now(), last_seen_at = now()
RETURNING *`;

const TOUCH = `
UPDATE remote_workers SET last_seen_at = now() WHERE tenant = $1 AND name = $2 RETURNING *`;

const PRUNE = `
DELETE FROM remote_workers WHERE last_seen_at < now() - $1::bigint * interval '1 millisecond'`;

/** The heartbeat of a task stamps the worker that holds its lease. */
const TOUCH_OWNER = `
UPDATE remote_workers SET last_seen_at = now()
WHERE 'remote:' || tenant || '/' || name = $1`;

/** Tasks a remote worker holds now, by job type: what its concurrency leaves room for. */
const RUNNING = `
SELECT type, count(*)::int AS n FROM jobs
WHERE status = 'running' AND lease_owner = $1 AND type = ANY($2::text[])
GROUP BY type`;

/** A held lease: the job of a task, as its reports check it. */
const LEASE = `
SELECT j.id, j.status, j.lease_token, j.lease_owner, j.attempts, j.max_attempts, j.group_key,
       j.lease_expires_at, j.cancel_requested_at IS NOT NULL AS cancel_requested, j.trace_parent
FROM jobs j WHERE j.id = $1`;

export interface LeaseRow {
  id: string;
  status: string;
  lease_token: string | null;
  lease_owner: string | null;
  attempts: number;
  max_attempts: number;
  group_key: string | null;
  lease_expires_at: Date | null;
  cancel_requested: boolean;
  trace_parent: string | null;
}

export async function registerRemoteWorker(
  db: Db,
  tenant: string,
  name: string,
  types: RemoteTaskType[],
): Promise<RemoteWorkerRow> {
  const { rows } = await db.query<RemoteWorkerRow>(REGISTER, [tenant, name, JSON.stringify(types)]);
  return rows[0];
}

/** The worker with its last-seen time stamped; undefined when it is not registered. */
export async function touchRemoteWorker(
  db: Db,
  tenant: string,
  name: string,
): Promise<RemoteWorkerRow | undefined> {
  return (await db.query<RemoteWorkerRow>(TOUCH, [tenant, name])).rows[0];
}

export async function touchLeaseOwner(db: Db, owner: string): Promise<void> {
  await db.query(TOUCH_OWNER, [owner]);
}

export async function runningByType(
  db: Db,
  owner: string,
  jobTypes: string[],
): Promise<Map<string, number>> {
  const { rows } = await db.query<{ type: string; n: number }>(RUNNING, [owner, jobTypes]);
  return new Map(rows.map((r) => [r.type, r.n]));
}

export async function findLease(db: Db, jobId: string): Promise<LeaseRow | undefined> {
  return (await db.query<LeaseRow>(LEASE, [jobId])).rows[0];
}

/** Forgets the remote workers not seen for `olderThanMs`: their types go with them. */
export async function pruneRemoteWorkers(db: Db, olderThanMs: number): Promise<number> {
  return (await db.query(PRUNE, [olderThanMs])).rowCount ?? 0;
}
