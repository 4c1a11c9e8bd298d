import type { HandlerRegistry, RegisteredHandler } from '../jobs/handler-registry.js';
import type { ClaimedJob } from '../jobs/job.js';
import { AttemptAbort } from './job-execution.js';

export interface SlotLimits {
  /** Jobs run at once (WORKER_CONCURRENCY). */
  readonly concurrency: number;
  /** Claimed jobs kept waiting beyond those (WORKER_PREFETCH). */
  readonly prefetch: number;
  /** Jobs of one queue run at once, for the queues that have a limit (WORKER_QUEUE_CONCURRENCY). */
  readonly queueConcurrency: ReadonlyMap<string, number>;
}

/** The job types this worker handles, each with its own `concurrency` limit if it has one. */
export type HandledTypes = Pick<HandlerRegistry, 'all' | 'get'>;

export interface RunningJob {
  job: ClaimedJob;
  handler: RegisteredHandler;
  abort: AttemptAbort;
}

/** What the next claim asks for. */
export interface ClaimPlan {
  types: string[];
  limit: number;
}

/**
 * The jobs this worker holds, claimed and waiting in its buffer or running, counted per type and
 * per queue, and the rules on them: when to claim, how many jobs of which types, which queues to
 * leave out, which buffered jobs may start. Every way a job enters or leaves goes through here, so
 * the counts always match the jobs. No I/O: the loop does the claiming and running.
 */
export class WorkerSlots {
  private readonly buffer: ClaimedJob[] = [];
  private readonly running = new Map<string, RunningJob>();
  private readonly heldByType = new Map<string, number>();
  private readonly heldByQueue = new Map<string, number>();
  private readonly runningByType = new Map<string, number>();
  private readonly runningByQueue = new Map<string, number>();

  constructor(
    private readonly limits: SlotLimits,
    private readonly handlers: HandledTypes,
  ) {}

  get runningCount(): number {
    return this.running.size;
  }

  runningJob(jobId: string): RunningJob | undefined {
    return this.running.get(jobId);
  }

  runningJobs(): RunningJob[] {
    return [...this.running.values()];
  }

  /** Running and buffered jobs: the leases to keep. */
  heldJobs(): ClaimedJob[] {
    return [...[...this.running.values()].map((r) => r.job), ...this.buffer];
  }

  /**
   * What to claim now, or undefined when no claim is due. A job is held until its outcome is
   * written, not only until its handler returns (`awaitingOutcome`): claims then never outrun
   * outcome writing, and what the worker holds stays bounded. `requested`: jobs asked for by claims
   * under way. Claims come in batches: when what is buffered or on its way falls to half the
   * prefetch, or a slot would otherwise sit idle.
   */
  nextClaim(requested: number, awaitingOutcome: number): ClaimPlan | undefined {
    const { concurrency, prefetch } = this.limits;
    const coming = this.buffer.length + requested;
    const room = concurrency + prefetch - this.running.size - coming - awaitingOutcome;
    const due =
      room > 0 && (coming <= prefetch / 2 || (coming === 0 && this.running.size < concurrency));
    const types = due ? this.claimableTypes() : [];
    if (types.length === 0) return undefined;
    return { types, limit: Math.min(room, this.typeRoom(types)) };
  }

  /** Queues with a per-process limit that the jobs held already reach: left out of the claim. */
  fullQueues(): string[] {
    const full: string[] = [];
    for (const [queue, limit] of this.limits.queueConcurrency) {
      if (count(this.heldByQueue, queue) >= limit) full.push(queue);
    }
    return full;
  }

  /** Claimed jobs join the buffer. */
  hold(jobs: readonly ClaimedJob[]): void {
    for (const job of jobs) {
      this.buffer.push(job);
      increment(this.heldByType, job.type, 1);
      increment(this.heldByQueue, job.queue, 1);
    }
  }

  /**
   * Takes from the buffer, in claim order, the jobs that may start now (within the concurrency,
   * their type's and their queue's limit, and `leaseHeld`) and counts them as running.
   */
  startable(leaseHeld: (job: ClaimedJob) => boolean = () => true): RunningJob[] {
    const started: RunningJob[] = [];
    const { concurrency, queueConcurrency } = this.limits;
    for (let i = 0; i < this.buffer.length && this.running.size < concurrency;) {
      const job = this.buffer[i];
      const handler = this.handlers.get(job.type);
      const typeLimit = handler?.options.concurrency;
      const queueLimit = queueConcurrency.get(job.queue);
      if (
        !handler ||
        !leaseHeld(job) ||
        (typeLimit !== undefined && count(this.runningByType, job.type) >= typeLimit) ||
        (queueLimit !== undefined && count(this.runningByQueue, job.queue) >= queueLimit)
      ) {
        i++;
        continue;
      }
      this.buffer.splice(i, 1);
      const running = { job, handler, abort: new AttemptAbort() };
      this.running.set(job.id, running);
      increment(this.runningByType, job.type, 1);
      increment(this.runningByQueue, job.queue, 1);
      started.push(running);
    }
    return started;
  }

  /** A running job's attempt ended: its slot is free (its outcome may still be on its way). */
  finished(job: ClaimedJob): void {
    this.running.delete(job.id);
    increment(this.runningByType, job.type, -1);
    increment(this.runningByQueue, job.queue, -1);
    this.release(job);
  }

  /** Takes the first buffered job that matches out of the buffer. */
  takeBuffered(matches: (job: ClaimedJob) => boolean): ClaimedJob | undefined {
    const index = this.buffer.findIndex(matches);
    if (index < 0) return undefined;
    const [job] = this.buffer.splice(index, 1) as [ClaimedJob];
    this.release(job);
    return job;
  }

  takeAllBuffered(): ClaimedJob[] {
    const jobs = this.buffer.splice(0);
    for (const job of jobs) this.release(job);
    return jobs;
  }

  /** Types with a handler and room under their own concurrency limit. */
  private claimableTypes(): string[] {
    return this.handlers
      .all()
      .filter(
        (h) =>
          h.options.concurrency === undefined ||
          count(this.heldByType, h.type) < h.options.concurrency,
      )
      .map((h) => h.type);
  }

  /**
   * How many jobs of these types this worker could still hold: unbounded if any has no limit of its
   * own. Claiming more would hold jobs (and their keys and group slots) it cannot start.
   */
  private typeRoom(types: string[]): number {
    let room = 0;
    for (const type of types) {
      const limit = this.handlers.get(type)?.options.concurrency;
      if (limit === undefined) return Number.POSITIVE_INFINITY;
      room += Math.max(0, limit - count(this.heldByType, type));
    }
    return room;
  }

  private release(job: ClaimedJob): void {
    increment(this.heldByType, job.type, -1);
    increment(this.heldByQueue, job.queue, -1);
  }
}

function count(counts: Map<string, number>, key: string): number {
  return counts.get(key) ?? 0;
}

function increment(counts: Map<string, number>, key: string, by: number): void {
  counts.set(key, count(counts, key) + by);
}
