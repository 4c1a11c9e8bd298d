export const JOB_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'];
export function toJob(row) {
    return {
        id: row.id,
        queue: row.queue,
        type: row.type,
        payload: row.payload,
        status: row.status,
        priority: row.priority,
        runAt: row.run_at,
        attempts: row.attempts,
        maxAttempts: row.max_attempts,
        timeoutMs: row.timeout_ms,
        idempotencyKey: row.idempotency_key,
        concurrencyKey: row.concurrency_key,
        groupKey: row.group_key,
        leaseOwner: row.lease_owner,
        leaseExpiresAt: row.lease_expires_at,
        cancelRequestedAt: row.cancel_requested_at,
        lastError: row.last_error,
        result: row.result,
        progress: row.progress,
        createdAt: row.created_at,
        startedAt: row.started_at,
        finishedAt: row.finished_at,
    };
}
export function toClaimedJob(row) {
    if (row.lease_token === null)
        throw new Error(`job ${row.id} was returned by a claim without a lease`);
    return { ...toJob(row), leaseToken: row.lease_token };
}
//# sourceMappingURL=job.js.map