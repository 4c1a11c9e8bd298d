import type { Logger } from 'pino';
import { JobTimeoutError } from '../jobs/errors.js';
import type { JobContext } from '../jobs/job-handler.decorator.js';
import type { ClaimedJob } from '../jobs/job.js';
import type { RegisteredHandler } from '../jobs/handler-registry.js';

export type Execution = { ok: true; result: unknown } | { ok: false; error: unknown };

export interface ExecutionHooks {
  heartbeat(): Promise<void>;
  progress(data: unknown): Promise<void>;
  logger: Logger;
}

/**
 * Runs one attempt of a job. It ends when the handler settles, when the time limit passes, or as
 * soon as the job's signal fires (cancel, lost lease, shutdown): a handler that ignores its signal
 * no longer holds a slot. The error of an aborted attempt is the signal's reason.
 */
export async function executeJob(
  job: ClaimedJob,
  handler: RegisteredHandler,
  controller: AbortController,
  timeoutMs: number,
  hooks: ExecutionHooks,
): Promise<Execution> {
  const context: JobContext = {
    jobId: job.id,
    type: job.type,
    queue: job.queue,
    attempt: job.attempts,
    maxAttempts: job.maxAttempts,
    signal: controller.signal,
    heartbeat: () => hooks.heartbeat(),
    progress: (data) => hooks.progress(data),
    logger: hooks.logger,
  };
  const timer = setTimeout(
    () => controller.abort(new JobTimeoutError(`timed out after ${timeoutMs} ms`)),
    timeoutMs,
  );
  const aborted = new Promise<never>((_, reject) => {
    const onAbort = (): void => reject(controller.signal.reason as Error);
    if (controller.signal.aborted) onAbort();
    else controller.signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    const handled = Promise.resolve().then(() => handler.handle(job.payload, context));
    return { ok: true, result: await Promise.race([handled, aborted]) };
  } catch (error) {
    return { ok: false, error: controller.signal.aborted ? controller.signal.reason : error };
  } finally {
    clearTimeout(timer);
  }
}
