import type { Logger } from 'pino';
import type { AppConfig } from '../config/app-config.js';
import { WorkerShutdownError } from '../jobs/errors.js';
import type { JobsMetrics } from '../jobs/jobs.metrics.js';
import { decideOutcome } from './decide-outcome.js';
import { type Execution, executeJob, inJobSpan } from './job-execution.js';
import type { LeaseKeeper } from './lease-keeper.js';
import type { OutcomeWriter } from './outcome-writer.js';
import type { RunningJob } from './worker-slots.js';

export interface AttemptRunnerOptions {
  jobs: AppConfig['jobs'];
  metrics: JobsMetrics;
  leases: LeaseKeeper;
  outcomes: OutcomeWriter;
  logger: Logger;
}

/**
 * Runs one attempt of a claimed job, then decides its outcome (succeeded, retried, failed,
 * cancelled, handed back), writes it and counts it. Errors are logged with the job's context.
 */
export class AttemptRunner {
  constructor(private readonly options: AttemptRunnerOptions) {}

  /** `ended` is called as soon as the attempt ends (its slot is free), before the outcome is written. */
  run(running: RunningJob, ended: () => void): void {
    const { job } = running;
    const logger = (): Logger =>
      this.options.logger.child({ jobId: job.id, type: job.type, attempt: job.attempts });
    this.attempt(running, ended, logger).catch((error: unknown) =>
      logger().error({ err: error }, 'recording the outcome of a job failed'),
    );
  }

  private async attempt(
    { job, handler, abort }: RunningJob,
    ended: () => void,
    logger: () => Logger,
  ): Promise<void> {
    const { jobs, leases } = this.options;
    const metrics = this.options.metrics.forJobs(job.queue, job.type);
    metrics.queueWait.observe(Math.max(0, Date.now() - job.runAtMs) / 1000);
    const lease = { id: job.id, token: job.leaseToken };
    const timeoutMs = job.timeoutMs ?? handler.options.timeoutMs ?? jobs.defaultTimeoutMs;
    const started = performance.now();
    const execution = await inJobSpan(job, () =>
      executeJob(job, handler, abort, timeoutMs, {
        logger,
        heartbeat: () => leases.heartbeat(lease, abort),
        progress: (data) => leases.progress(lease, abort, data),
      }),
    );
    ended();
    const decided = decideOutcome(job, execution, {
      baseMs: handler.options.backoff?.baseMs ?? jobs.backoffBaseMs,
      maxMs: handler.options.backoff?.maxMs ?? jobs.backoffMaxMs,
    });
    logFailure(execution, decided?.kind, logger);
    if (!decided) return;
    metrics.duration(decided.kind).observe((performance.now() - started) / 1000);
    const accepted = await this.options.outcomes.write(decided.outcome);
    if (accepted) metrics.outcome(decided.kind);
    else
      logger().warn(
        { outcome: decided.kind },
        'outcome not recorded: the lease was lost or the write failed; the job will run again',
      );
  }
}

/** A failed attempt is worth a line, unless the worker stopping ended it. */
function logFailure(execution: Execution, kind: string | undefined, logger: () => Logger): void {
  if (execution.ok || execution.error instanceof WorkerShutdownError) return;
  logger().warn({ err: execution.error, outcome: kind ?? 'lease-lost' }, 'job attempt failed');
}
