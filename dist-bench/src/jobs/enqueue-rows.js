import { insertJobs, selectByIdempotencyKeys } from './sql/enqueue.sql.js';
const SMALLINT = 32767;
export class InvalidJobSpecError extends TypeError {
    name = 'InvalidJobSpecError';
}
export function toEnqueueRow(spec, defaultMaxAttempts) {
    const problem = specProblem(spec);
    if (problem)
        throw new InvalidJobSpecError(`Invalid job: ${problem}`);
    const row = {
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
    }
    catch (error) {
        throw new InvalidJobSpecError(`Invalid job: payload is not JSON-serializable (${error.message})`);
    }
}
function specProblem(spec) {
    if (typeof spec.type !== 'string' || spec.type.length === 0 || spec.type.length > 200) {
        return 'type must be a non-empty string of at most 200 characters';
    }
    if (spec.queue !== undefined && !/^[\w.:-]{1,100}$/.test(spec.queue))
        return 'queue must match [A-Za-z0-9_.:-]{1,100}';
    if (spec.priority !== undefined &&
        !(Number.isInteger(spec.priority) && Math.abs(spec.priority) <= SMALLINT)) {
        return `priority must be an integer between -${SMALLINT} and ${SMALLINT}`;
    }
    if (spec.maxAttempts !== undefined &&
        !(Number.isInteger(spec.maxAttempts) && spec.maxAttempts >= 1)) {
        return 'maxAttempts must be an integer of at least 1';
    }
    if (spec.timeoutMs !== undefined && !(Number.isInteger(spec.timeoutMs) && spec.timeoutMs >= 1)) {
        return 'timeoutMs must be a positive integer';
    }
    if (spec.delayMs !== undefined && !(Number.isFinite(spec.delayMs) && spec.delayMs >= 0)) {
        return 'delayMs must be a number of at least 0';
    }
    if (spec.runAt !== undefined &&
        !(spec.runAt instanceof Date && Number.isFinite(spec.runAt.getTime()))) {
        return 'runAt must be a valid Date';
    }
    return undefined;
}
export async function insertRows(db, rowsJson, keys) {
    const inserted = await insertJobs(db, `[${rowsJson.join(',')}]`);
    const byKey = new Map();
    const unkeyed = [];
    for (const row of inserted) {
        if (row.idempotency_key === null)
            unkeyed.push(row);
        else
            byKey.set(row.idempotency_key, row);
    }
    const missing = [...new Set(keys.filter((k) => k !== null && !byKey.has(k)))];
    if (missing.length > 0) {
        for (const row of await selectByIdempotencyKeys(db, missing))
            byKey.set(row.idempotency_key ?? '', row);
    }
    let next = 0;
    return keys.map((key) => {
        const row = key === null ? unkeyed[next++] : byKey.get(key);
        if (!row)
            throw new Error(`enqueue lost track of a job (idempotency key ${key ?? 'none'})`);
        return row;
    });
}
//# sourceMappingURL=enqueue-rows.js.map