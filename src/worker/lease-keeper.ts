import type { Logger } from 'pino';
import type { Db } from '../jobs/db.js';
import { LeaseLostError } from '../jobs/errors.js';
import type { ClaimedJob } from '../jobs/job.js';
import { type Lease, renewLeases, writeProgress } from '../jobs/sql/lease.sql.js';
import type { AttemptAbort } from './job-execution.js';
import type { OutcomeWriter } from './outcome-writer.js';
import type { WorkerSlots } from './worker-slots.js';

export interface LeaseKeeperOptions {
  /** Claims and lease renewals: the worker's claim pool. */
  claims: Db;
  /** Progress writes. */
  db: Db;
  leaseMs: number;
  logger: Logger;
  /** A renewal answered that a held job's cancel was requested. */
  onCancelRequested(jobId: string): void;
  /** A renewal answered: buffered jobs held back by `leaseHeld` may start now. */
  onRenewed(): void;
}

/**
 * Keeps the leases of the jobs a worker holds: renews them all every third of the lease, stops
 * the jobs whose lease was lost, and serves a running attempt's heartbeat and progress, both
 * fenced by its lease token.
 */
export class LeaseKeeper {
  /** When each held job's lease was last known to be extended (a conservative lower bound). */
  private readonly leaseSince = new WeakMap<ClaimedJob, number>();
  private timer?: NodeJS.Timeout;
  private renewing = false;

  constructor(
    private readonly slots: WorkerSlots,
    private readonly outcomes: OutcomeWriter,
    private readonly options: LeaseKeeperOptions,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.renewAll(), Math.floor(this.options.leaseMs / 3));
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** These jobs' leases were taken (or extended) by a statement sent at `sentAt`. */
  claimed(jobs: readonly ClaimedJob[], sentAt: number): void {
    for (const job of jobs) this.leaseSince.set(job, sentAt);
  }

  /**
   * Whether this job's lease is surely still this worker's: extended less than a lease ago (less a
   * tenth, for the clock). A process stalled past its leases (a long GC pause, a stopped VM) must
   * not start a buffered job that another worker may have reaped and run meanwhile; `renewSoon`
   * then finds out which leases are still held.
   */
  leaseHeld(job: ClaimedJob): boolean {
    const since = this.leaseSince.get(job) ?? 0;
    return Date.now() - since < this.options.leaseMs * 0.9;
  }

  /** Renews now, unless a renewal is under way. */
  renewSoon(): void {
    if (!this.renewing) void this.renewAll();
  }

  async heartbeat(lease: Lease, abort: AttemptAbort): Promise<void> {
    const renewed = await renewLeases(this.options.claims, [lease], this.options.leaseMs);
    if (renewed.length === 0) throw loseLease(abort, lease.id);
  }

  async progress(lease: Lease, abort: AttemptAbort, data: unknown): Promise<void> {
    if (!(await writeProgress(this.options.db, lease, data))) throw loseLease(abort, lease.id);
  }

  /**
   * Renews every lease this worker holds: running and buffered jobs, and finished ones whose
   * outcome is still to be written (a slow write must not let their lease lapse). Stops jobs whose
   * lease was lost or that were cancelled.
   */
  private async renewAll(): Promise<void> {
    const held = this.slots.heldJobs();
    const awaitingOutcome = this.outcomes.leases();
    if (held.length + awaitingOutcome.length === 0) return;
    const { claims, leaseMs } = this.options;
    const sentAt = Date.now();
    let renewed;
    this.renewing = true;
    try {
      renewed = await renewLeases(
        claims,
        [...held.map((job) => ({ id: job.id, token: job.leaseToken })), ...awaitingOutcome],
        leaseMs,
      );
    } catch (error) {
      this.options.logger.warn({ err: error, jobs: held.length }, 'renewing leases failed');
      // Past its lease a job may already run elsewhere: stop it here rather than run it twice at once.
      for (const job of held) {
        if (Date.now() - (this.leaseSince.get(job) ?? 0) >= leaseMs) this.dropLost(job);
      }
      return;
    } finally {
      this.renewing = false;
    }
    const alive = new Map(renewed.map((r) => [r.id, r.cancel_requested]));
    for (const job of held) {
      const cancelRequested = alive.get(job.id);
      if (cancelRequested === undefined) this.dropLost(job);
      else {
        this.leaseSince.set(job, sentAt);
        if (cancelRequested) this.options.onCancelRequested(job.id);
      }
    }
    this.options.onRenewed();
  }

  /** A running job's signal fires; a buffered one is forgotten (its new holder runs it). */
  private dropLost(job: ClaimedJob): void {
    const running = this.slots.runningJob(job.id);
    if (running?.job.leaseToken === job.leaseToken) {
      loseLease(running.abort, job.id);
      return;
    }
    if (this.slots.takeBuffered((buffered) => buffered === job)) {
      this.options.logger.warn({ jobId: job.id }, 'dropped a buffered job whose lease was lost');
    }
  }
}

function loseLease(abort: AttemptAbort, jobId: string): LeaseLostError {
  const error = new LeaseLostError(`the lease on job ${jobId} was lost`);
  abort.abort(error);
  return error;
}
