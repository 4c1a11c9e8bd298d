import { SetMetadata } from '@nestjs/common';
import type { Logger } from 'pino';

export const JOB_HANDLER_METADATA = 'taskyard:job-handler';

export interface JobHandlerOptions {
  /** Jobs of this type one worker process runs at once (within WORKER_CONCURRENCY). */
  concurrency?: number;
  /** Time limit of one attempt; the signal fires and the attempt fails when it passes. */
  timeoutMs?: number;
  /** Default attempts for jobs of this type (an enqueue call may say otherwise). */
  maxAttempts?: number;
  backoff?: { baseMs?: number; maxMs?: number };
  /** Recurring: enqueue one job of this type per tick of this cron expression (UTC). */
  cron?: string;
  /**
   * The queue this type's jobs go to: recurring ones are enqueued there, and the type's metrics
   * start at 0 under it (an enqueue names its own queue; `default` when it names none).
   */
  queue?: string;
}

export interface JobHandlerMetadata {
  type: string;
  options: JobHandlerOptions;
}

/** What a handler gets besides its payload. */
export interface JobContext {
  jobId: string;
  type: string;
  queue: string;
  /** 1 on the first run. */
  attempt: number;
  maxAttempts: number;
  /** Fires on cancel, timeout, lost lease and shutdown; `signal.reason` says which. */
  signal: AbortSignal;
  /** Renews the lease now (the worker also renews it on its own); throws if the lease was lost. */
  heartbeat(): Promise<void>;
  /** Stores progress data on the job; throws if the lease was lost. */
  progress(data: unknown): Promise<void>;
  logger: Logger;
}

export type JobHandlerFunction = (payload: unknown, context: JobContext) => unknown;

/**
 * Marks a provider method as the handler of one job type. Found at start-up through Nest's
 * discovery; two handlers for one type stop the start-up.
 */
export const JobHandler = (type: string, options: JobHandlerOptions = {}): MethodDecorator =>
  SetMetadata<string, JobHandlerMetadata>(JOB_HANDLER_METADATA, { type, options });
