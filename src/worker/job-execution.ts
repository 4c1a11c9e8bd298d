import { SpanKind } from '@opentelemetry/api';
import type { Logger } from 'pino';
import { JobTimeoutError } from '../jobs/errors.js';
import type { JobContext } from '../jobs/job-handler.decorator.js';
import type { ClaimedJob } from '../jobs/job.js';
import type { RegisteredHandler } from '../jobs/handler-registry.js';
import { inSpan, parentOf, recordError } from '../tracing/spans.js';

export type Execution = { ok: true; result: unknown } | { ok: false; error: unknown };

export interface ExecutionHooks {
  heartbeat(): Promise<void>;
  progress(data: unknown): Promise<void>;
  /** Made on first use: most handlers never log. */
  logger(): Logger;
}

/**
 * The abort switch of one attempt. The AbortController behind `signal` is made only when a handler
 * reads it: at tens of thousands of jobs a second, controllers nobody listens to are a large share
 * of the worker's allocations.
 */
export class AttemptAbort {
  private controller?: AbortController;
  private reject?: (reason: unknown) => void;
  aborted = false;
  reason: unknown;

  get signal(): AbortSignal {
    this.controller ??= new AbortController();
    if (this.aborted && !this.controller.signal.aborted) this.controller.abort(this.reason);
    return this.controller.signal;
  }

  abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    this.controller?.abort(reason);
    this.reject?.(reason);
  }

  /** Rejects with the reason when the attempt is aborted. */
  whenAborted(): Promise<never> {
    return new Promise<never>((_, reject) => {
      if (this.aborted) reject(this.reason);
      else this.reject = reject;
    });
  }
}

/**
 * A job queued inside a trace runs its attempt in a span `job.run <type>` of that trace, whichever
 * process queued it (src/tracing); any other just runs it.
 */
export function inJobSpan(job: ClaimedJob, attempt: () => Promise<Execution>): Promise<Execution> {
  if (!job.traceParent) return attempt();
  const spec = {
    kind: SpanKind.CONSUMER,
    attributes: {
      'taskyard.job.id': job.id,
      'taskyard.job.type': job.type,
      'taskyard.job.queue': job.queue,
      'taskyard.job.attempt': job.attempts,
    },
  };
  return inSpan(`job.run ${job.type}`, parentOf(job.traceParent), spec, async (span) => {
    const execution = await attempt();
    if (!execution.ok) recordError(span, execution.error);
    return execution;
  });
}

/**
 * Runs one attempt of a job. It ends when the handler settles, when the time limit passes, or as
 * soon as the attempt is aborted (cancel, lost lease, shutdown): a handler that ignores its signal
 * no longer holds a slot. The error of an aborted attempt is the abort's reason.
 */
export async function executeJob(
  job: ClaimedJob,
  handler: RegisteredHandler,
  abort: AttemptAbort,
  timeoutMs: number,
  hooks: ExecutionHooks,
): Promise<Execution> {
  let logger: Logger | undefined;
  const context: JobContext = {
    jobId: job.id,
    type: job.type,
    queue: job.queue,
    attempt: job.attempts,
    maxAttempts: job.maxAttempts,
    get signal() {
      return abort.signal;
    },
    heartbeat: () => hooks.heartbeat(),
    progress: (data) => hooks.progress(data),
    get logger() {
      return (logger ??= hooks.logger());
    },
  };
  let returned: unknown;
  try {
    returned = handler.handle(job.payload, context);
  } catch (error) {
    return { ok: false, error };
  }
  // A handler that returns at once (no promise) needs no timer and no race.
  if (!isThenable(returned)) return { ok: true, result: returned };

  const timer = setTimeout(
    () => abort.abort(new JobTimeoutError(`timed out after ${timeoutMs} ms`)),
    timeoutMs,
  );
  try {
    return { ok: true, result: await Promise.race([returned, abort.whenAborted()]) };
  } catch (error) {
    return { ok: false, error: abort.aborted ? abort.reason : error };
  } finally {
    clearTimeout(timer);
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}
