/** Thrown by a handler: the job fails at once, whatever attempts remain. */
export class PermanentJobError extends Error {
  override readonly name: string = 'PermanentJobError';
}

/**
 * Thrown by a handler: the job goes back to the queue, due in `delayMs`, and this run does not
 * count as an attempt (a destination known to be down, say).
 */
export class PostponeJobError extends Error {
  override readonly name = 'PostponeJobError';

  constructor(
    readonly delayMs: number,
    message: string,
  ) {
    super(message);
  }
}

/** The reason a running job's signal fires when the job is cancelled. */
export class JobCancelledError extends Error {
  override readonly name = 'JobCancelledError';
}

/** The reason a running job's signal fires when its attempt runs out of time. */
export class JobTimeoutError extends Error {
  override readonly name = 'JobTimeoutError';
}

/** The reason a running job's signal fires when its lease was lost: another worker may run it. */
export class LeaseLostError extends Error {
  override readonly name = 'LeaseLostError';
}

/** The reason a running job's signal fires when the process shuts down; the job is handed back. */
export class WorkerShutdownError extends Error {
  override readonly name = 'WorkerShutdownError';
}

/**
 * What ended an attempt, as jobs.error_kind records it for the tasks trigger (the column's CHECK
 * lists the same; test/e2e/shared-constants.spec.ts compares them).
 */
export const ERROR_KINDS = ['error', 'timeout', 'cancelled', 'lease-expired'] as const;
export type ErrorKind = (typeof ERROR_KINDS)[number];
