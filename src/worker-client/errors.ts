/**
 * Thrown by a handler for a failure that another attempt would not fix (bad input): the task fails
 * for good instead of being retried. Any other error is reported retryable.
 */
export class PermanentError extends Error {
  readonly permanent = true;

  constructor(
    message: string,
    /** A short machine-readable code, reported as the error's `code`. */
    readonly code?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'PermanentError';
  }
}

/** Why a handler's signal was aborted: the service asked, the lease was lost, or the worker stops. */
export class TaskAbortedError extends Error {
  constructor(readonly reason: 'cancelled' | 'lease-lost' | 'stopping') {
    super(
      reason === 'cancelled'
        ? 'the task was cancelled'
        : reason === 'lease-lost'
          ? 'the lease on the task was lost (expired or claimed by another worker)'
          : 'the worker is stopping',
    );
    this.name = 'TaskAbortedError';
  }
}

/** The problem type of a report refused because the lease is no longer the caller's. */
export const LEASE_LOST = 'urn:taskyard:problem:lease-lost';

/** `{message, code}` of a handler's failure, and whether another attempt may succeed. */
export function failureOf(error: unknown): {
  error: { message: string; code?: string };
  retryable: boolean;
} {
  const candidate = error as { message?: unknown; code?: unknown; permanent?: unknown } | null;
  const message =
    typeof candidate?.message === 'string' && candidate.message ? candidate.message : String(error);
  const code =
    typeof candidate?.code === 'string'
      ? candidate.code
      : error instanceof Error
        ? error.name
        : undefined;
  return { error: { message, code }, retryable: candidate?.permanent !== true };
}
