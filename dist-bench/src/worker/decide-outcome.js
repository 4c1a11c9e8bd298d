import { retryDelayMs } from '../jobs/backoff.js';
import { JobCancelledError, LeaseLostError, PermanentJobError, WorkerShutdownError, } from '../jobs/errors.js';
const MAX_ERROR_LENGTH = 4000;
export function decideOutcome(job, execution, backoff) {
    const lease = { id: job.id, token: job.leaseToken };
    if (execution.ok) {
        const serialised = serialisable(execution.result);
        if (serialised === true) {
            return {
                kind: 'succeeded',
                outcome: { ...lease, status: 'succeeded', result: execution.result ?? null },
            };
        }
        return { kind: 'failed', outcome: { ...lease, status: 'failed', error: serialised } };
    }
    const { error } = execution;
    if (error instanceof LeaseLostError)
        return undefined;
    if (error instanceof JobCancelledError) {
        return {
            kind: 'cancelled',
            outcome: { ...lease, status: 'cancelled', error: describe(error) },
        };
    }
    if (error instanceof WorkerShutdownError) {
        return {
            kind: 'released',
            outcome: { ...lease, status: 'queued', release: true, retryInMs: 0 },
        };
    }
    if (error instanceof PermanentJobError || job.attempts >= job.maxAttempts) {
        return { kind: 'failed', outcome: { ...lease, status: 'failed', error: describe(error) } };
    }
    return {
        kind: 'retried',
        outcome: {
            ...lease,
            status: 'queued',
            error: describe(error),
            retryInMs: retryDelayMs(job.attempts, backoff),
        },
    };
}
function describe(error) {
    const text = error instanceof Error ? `${error.name}: ${error.message}` : `thrown: ${String(error)}`;
    return text.length > MAX_ERROR_LENGTH ? `${text.slice(0, MAX_ERROR_LENGTH)}…` : text;
}
function serialisable(result) {
    try {
        JSON.stringify(result ?? null);
        return true;
    }
    catch (error) {
        return `the handler's result is not JSON-serializable: ${error.message}`;
    }
}
//# sourceMappingURL=decide-outcome.js.map