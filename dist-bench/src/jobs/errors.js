export class PermanentJobError extends Error {
    name = 'PermanentJobError';
}
export class JobCancelledError extends Error {
    name = 'JobCancelledError';
}
export class JobTimeoutError extends Error {
    name = 'JobTimeoutError';
}
export class LeaseLostError extends Error {
    name = 'LeaseLostError';
}
export class WorkerShutdownError extends Error {
    name = 'WorkerShutdownError';
}
//# sourceMappingURL=errors.js.map