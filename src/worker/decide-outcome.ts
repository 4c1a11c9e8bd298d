import { type BackoffPolicy, retryDelayMs } from '../jobs/backoff.js';
import {
  type ErrorKind,
  JobCancelledError,
  JobTimeoutError,
  LeaseLostError,
  PermanentJobError,
  PostponeJobError,
  WorkerShutdownError,
} from '../jobs/errors.js';
import type { ClaimedJob } from '../jobs/job.js';
import type { Outcome } from '../jobs/sql/finish.sql.js';
import type { Execution } from './job-execution.js';

const MAX_ERROR_LENGTH = 4000;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export type OutcomeKind = 'succeeded' | 'failed' | 'retried' | 'cancelled' | 'released';

/** What to record for an attempt; undefined when the lease was lost (the job is no longer ours). */
export function decideOutcome(
  job: ClaimedJob,
  execution: Execution,
  backoff: BackoffPolicy,
): { outcome: Outcome; kind: OutcomeKind } | undefined {
  if (execution.ok) {
    const serialised = serialisable(execution.result);
    if (serialised === true) {
      const outcome: Outcome = {
        id: job.id,
        token: job.leaseToken,
        groupKey: job.groupKey,
        status: 'succeeded',
        result: execution.result,
      };
      return { kind: 'succeeded', outcome };
    }
    const lease = { id: job.id, token: job.leaseToken, groupKey: job.groupKey };
    return { kind: 'failed', outcome: { ...lease, status: 'failed', error: serialised } };
  }
  const lease = { id: job.id, token: job.leaseToken, groupKey: job.groupKey };
  const { error } = execution;
  if (error instanceof LeaseLostError) return undefined;
  if (error instanceof JobCancelledError) {
    return {
      kind: 'cancelled',
      outcome: { ...lease, status: 'cancelled', ...describe(error) },
    };
  }
  if (error instanceof WorkerShutdownError) {
    return {
      kind: 'released',
      outcome: { ...lease, status: 'queued', release: true, retryInMs: 0 },
    };
  }
  if (error instanceof PostponeJobError) {
    const retryInMs = Math.round(error.delayMs);
    return { kind: 'released', outcome: { ...lease, status: 'queued', release: true, retryInMs } };
  }
  if (error instanceof PermanentJobError || job.attempts >= job.maxAttempts) {
    return { kind: 'failed', outcome: { ...lease, status: 'failed', ...describe(error) } };
  }
  return {
    kind: 'retried',
    outcome: {
      ...lease,
      status: 'queued',
      ...describe(error),
      retryInMs: retryDelayMs(job.attempts, backoff),
    },
  };
}

/** An error as the job records it: its text, its kind and what a task shows of it. */
function describe(error: unknown): Required<Pick<Outcome, 'error' | 'errorKind' | 'errorDetail'>> {
  const raw =
    error instanceof Error ? `${error.name}: ${error.message}` : `thrown: ${String(error)}`;
  // PostgreSQL text cannot hold a NUL character, nor its JSON a lone surrogate.
  const cleaned = raw.replaceAll('\u0000', '').replace(LONE_SURROGATE, '\uFFFD');
  const text =
    cleaned.length > MAX_ERROR_LENGTH ? `${cleaned.slice(0, MAX_ERROR_LENGTH)}…` : cleaned;
  // A task shows the message after an "…Error" name; any other text whole.
  const named = error instanceof Error && /^[A-Za-z]*Error$/.test(error.name);
  return {
    error: text,
    errorKind: kindOf(error),
    errorDetail: named ? text.slice(error.name.length + 2) : text,
  };
}

function kindOf(error: unknown): ErrorKind {
  if (error instanceof JobTimeoutError) return 'timeout';
  if (error instanceof JobCancelledError) return 'cancelled';
  return 'error';
}

/** True, or why the result cannot be stored as JSON. */
function serialisable(result: unknown): true | string {
  if (result === undefined || result === null) return true;
  try {
    const json = JSON.stringify(result);
    if (json.includes('\\u0000'))
      return "the handler's result contains a NUL character, which PostgreSQL cannot store";
    return true;
  } catch (error) {
    return `the handler's result is not JSON-serializable: ${(error as Error).message}`;
  }
}
