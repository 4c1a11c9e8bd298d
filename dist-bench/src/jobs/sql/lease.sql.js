const RENEW_LEASES = `
UPDATE jobs j SET lease_expires_at = now() + $3::int * interval '1 millisecond'
FROM unnest($1::bigint[], $2::bigint[]) AS l(id, token)
WHERE j.id = l.id AND j.lease_token = l.token AND j.status = 'running' AND j.lease_expires_at > now()
RETURNING j.id, j.cancel_requested_at IS NOT NULL AS cancel_requested`;
const WRITE_PROGRESS = `
UPDATE jobs SET progress = $3::jsonb
WHERE id = $1 AND lease_token = $2 AND status = 'running' AND lease_expires_at > now()
RETURNING id`;
export async function renewLeases(db, leases, leaseMs) {
    const ids = leases.map((l) => l.id);
    const tokens = leases.map((l) => l.token);
    return (await db.query(RENEW_LEASES, [ids, tokens, leaseMs])).rows;
}
export async function writeProgress(db, lease, progress) {
    const result = await db.query(WRITE_PROGRESS, [
        lease.id,
        lease.token,
        JSON.stringify(progress ?? null),
    ]);
    return result.rowCount === 1;
}
//# sourceMappingURL=lease.sql.js.map