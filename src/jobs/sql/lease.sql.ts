import { type Db, prepared } from '../db.js';

export interface Lease {
  id: string;
  token: string;
}

export interface RenewedLease {
  id: string;
  cancel_requested: boolean;
}

/**
 * Extends the leases a worker still holds, in one statement. A lease missing from the answer was
 * lost (reaped, and perhaps taken over): its job must stop. A lease that ran out but was not
 * reaped yet is still this worker's (only the reaper clears a token) and is extended. The answer
 * also carries cancel requests, so cancellation reaches a worker whose NOTIFY listener is down.
 */
const RENEW_LEASES = prepared(
  'renew',
  `
UPDATE jobs j SET lease_expires_at = now() + $3::int * interval '1 millisecond'
FROM unnest($1::bigint[], $2::bigint[]) AS l(id, token)
WHERE j.id = l.id AND j.lease_token = l.token AND j.status = 'running'
RETURNING j.id, j.cancel_requested_at IS NOT NULL AS cancel_requested`,
);

const WRITE_PROGRESS = `
UPDATE jobs SET progress = $3::jsonb
WHERE id = $1 AND lease_token = $2 AND status = 'running'
RETURNING id`;

export async function renewLeases(
  db: Db,
  leases: Lease[],
  leaseMs: number,
): Promise<RenewedLease[]> {
  const ids = leases.map((l) => l.id);
  const tokens = leases.map((l) => l.token);
  return (await db.query<RenewedLease>(RENEW_LEASES([ids, tokens, leaseMs]))).rows;
}

/** False when the lease was lost. */
export async function writeProgress(db: Db, lease: Lease, progress: unknown): Promise<boolean> {
  const result = await db.query(WRITE_PROGRESS, [
    lease.id,
    lease.token,
    JSON.stringify(progress ?? null),
  ]);
  return result.rowCount === 1;
}
