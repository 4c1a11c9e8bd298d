import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  type BeforeApplicationShutdown,
  Injectable,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { Database } from '../database/database.js';
import { ContextLogger, InjectLogger } from '../logging/logger.js';
import { Pool } from 'pg';
import { AppConfig } from '../config/app-config.js';
import { type Db, JOBS_CHANNEL } from '../jobs/db.js';
import { JobCancelledError, WorkerShutdownError } from '../jobs/errors.js';
import { HandlerRegistry } from '../jobs/handler-registry.js';
import type { ClaimedJob } from '../jobs/job.js';
import { JobsMetrics } from '../jobs/jobs.metrics.js';
import { claimJobs } from '../jobs/sql/claim.sql.js';
import type { Outcome } from '../jobs/sql/finish.sql.js';
import { AttemptRunner } from './attempt-runner.js';
import {
  type ConnectionTarget,
  listenTarget,
  pgConnectionSettings,
} from '../database/connection-options.js';
import { PgListener } from '../database/pg-listener.js';
import { LeaseKeeper } from './lease-keeper.js';
import { OutcomeWriter } from './outcome-writer.js';
import { WorkerRegistry } from './worker-registry.js';
import { type RunningJob, WorkerSlots } from './worker-slots.js';

const MAX_CLAIMS_IN_FLIGHT = 2;

/** Conflicts a claim can meet when it races another claimer; it simply claims again. */
const RETRYABLE_CLAIM_ERRORS = new Set(['23505', '40P01']);

/**
 * The worker loop: start, stop, wake, fill (claim in batches into a small buffer, so that a
 * finished handler never waits on a round trip) and run. What it holds and the limits on it are
 * `WorkerSlots`; keeping the leases is `LeaseKeeper`; writing outcomes is `OutcomeWriter`; this
 * process's row in the registry of worker processes is `WorkerRegistry`'s.
 */
@Injectable()
export class WorkerService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  readonly id = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  private readonly db: Db;
  /** Claims and lease renewals: see claimPool(). */
  private readonly claims: Pool;
  private readonly outcomes: OutcomeWriter;
  private readonly slots: WorkerSlots;
  private readonly leases: LeaseKeeper;
  private readonly attempts: AttemptRunner;
  private readonly registry: WorkerRegistry;
  private listener?: PgListener;
  /** Claims under way, and the jobs they asked for: two may overlap to hide a claim's latency. */
  private claimsInFlight = 0;
  private requested = 0;
  private claimAgain = false;
  private stopping = false;
  private pollTimer?: NodeJS.Timeout;
  /** When the claim loop last completed a pass (a claim, or a decision that there was no room). */
  lastLoopAt = 0;

  constructor(
    database: Database,
    private readonly config: AppConfig,
    private readonly handlers: HandlerRegistry,
    private readonly metrics: JobsMetrics,
    @InjectLogger('Worker') private readonly logger: ContextLogger,
  ) {
    this.db = database.pool;
    this.claims = claimPool(config.database, config.worker.claimsSynchronousCommit);
    this.claims.on('error', (error) => this.logger.warn({ err: error }, 'claim connection lost'));
    const { leaseMs } = config.jobs;
    this.outcomes = new OutcomeWriter(this.db, logger.logger, leaseMs, () => this.fill());
    this.slots = new WorkerSlots(config.worker, handlers);
    this.leases = new LeaseKeeper(this.slots, this.outcomes, {
      claims: this.claims,
      db: this.db,
      leaseMs,
      logger: logger.logger,
      onCancelRequested: (jobId) => this.cancelLocal(jobId),
      onRenewed: () => this.startBuffered(),
    });
    this.attempts = new AttemptRunner({
      jobs: config.jobs,
      metrics,
      leases: this.leases,
      outcomes: this.outcomes,
      logger: logger.logger,
    });
    this.registry = new WorkerRegistry({
      db: this.db,
      id: this.id,
      role: config.role === 'worker' ? 'worker' : 'all',
      concurrency: config.worker.concurrency,
      queues: config.worker.queues,
      heartbeatMs: config.workers.heartbeatMs,
      logger: logger.logger,
      types: () => handlers.all().map((h) => h.type),
      inFlight: () => this.slots.runningCount,
    });
  }

  get listenerConnected(): boolean {
    return this.listener?.connected ?? false;
  }

  /** No LISTEN at all (DATABASE_LISTEN_URL=none): the poll timer and lease renewals do its work. */
  get pollOnly(): boolean {
    return this.config.database.pollOnly;
  }

  async onApplicationBootstrap(): Promise<void> {
    const target = listenTarget(this.config.database);
    if (target) {
      const connected = this.metrics.reportListener();
      this.listener = new PgListener(
        target,
        JOBS_CHANNEL,
        {
          onNotification: (payload) => this.dispatch(payload),
          onConnectionChange: (up) => connected.set(up ? 1 : 0),
        },
        this.logger.logger,
      );
      await this.listener.start();
    }
    this.pollTimer = setInterval(() => this.fill(), this.config.jobs.pollIntervalMs);
    this.leases.start();
    await this.registry.start();
    this.lastLoopAt = Date.now();
    this.logger.info(
      { workerId: this.id, types: this.handlers.all().map((h) => h.type), ...this.config.worker },
      'worker started',
    );
    this.fill();
  }

  /** Stop claiming; let running jobs finish within the grace period; hand back the rest. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    clearInterval(this.pollTimer);
    // A claim in flight still lands its jobs in the buffer; wait for it, then hand them all back.
    while (this.claimsInFlight > 0) await sleep(5);
    const buffered = this.slots.takeAllBuffered();
    for (const job of buffered) this.endUnstarted(job, { status: 'queued', release: true });
    const deadline = Date.now() + Math.max(0, this.config.shutdownGraceMs - 2000);
    while (this.slots.runningCount > 0 && Date.now() < deadline) await sleep(20);
    const unfinished = this.slots.runningJobs();
    for (const { abort } of unfinished)
      abort.abort(new WorkerShutdownError('worker shutting down'));
    while (this.slots.runningCount > 0) await sleep(5);
    await this.outcomes.drained();
    await this.registry.stop();
    this.leases.stop();
    await this.listener?.stop();
    await this.claims.end();
    this.logger.info({ handedBack: buffered.length + unfinished.length }, 'worker stopped');
  }

  /** `queue:<name>`: jobs became runnable there; `cancel:<id>`: a running job was asked to stop. */
  private dispatch(payload: string): void {
    const separator = payload.indexOf(':');
    const kind = payload.slice(0, separator);
    const value = payload.slice(separator + 1);
    if (kind === 'queue') this.wake(value);
    else if (kind === 'cancel') this.cancelLocal(value);
  }

  /** A NOTIFY said jobs are ready in `queue`. */
  wake(queue: string): void {
    const { queues } = this.config.worker;
    if (queues.length === 0 || queues.includes(queue)) this.fill();
  }

  private fill(): void {
    if (this.stopping) return;
    if (this.claimsInFlight >= MAX_CLAIMS_IN_FLIGHT) {
      this.claimAgain = true;
      return;
    }
    const plan = this.slots.nextClaim(this.requested, this.outcomes.size);
    if (!plan) {
      // A wake-up that arrives while a claim is under way may be for a job that claim started too
      // early to see: look again once it lands.
      if (this.claimsInFlight > 0) this.claimAgain = true;
      this.lastLoopAt = Date.now();
      return;
    }
    this.claimsInFlight++;
    this.requested += plan.limit;
    this.claimAgain = false;
    void this.claim(plan.types, plan.limit).finally(() => {
      this.claimsInFlight--;
      this.requested -= plan.limit;
      if (this.claimAgain) this.fill();
    });
  }

  private async claim(types: string[], limit: number): Promise<void> {
    const sentAt = Date.now();
    try {
      const claimed = await claimJobs(this.claims, {
        workerId: this.id,
        types,
        queues: this.config.worker.queues,
        fullQueues: this.slots.fullQueues(),
        limit,
        leaseMs: this.config.jobs.leaseMs,
        groupMaxRunning: this.config.jobs.groupMaxRunning,
      });
      this.lastLoopAt = Date.now();
      this.leases.claimed(claimed, sentAt);
      this.slots.hold(claimed);
      // A full batch suggests more are waiting.
      if (claimed.length === limit) this.claimAgain = true;
      this.startBuffered();
    } catch (error) {
      if (RETRYABLE_CLAIM_ERRORS.has((error as { code?: string }).code ?? '')) {
        this.claimAgain = true;
        return;
      }
      this.logger.warn({ err: error }, 'claiming jobs failed; trying again at the next poll');
    }
  }

  private startBuffered(): void {
    if (this.stopping) return;
    let heldBack = false;
    const leaseHeld = (job: ClaimedJob): boolean => {
      const held = this.leases.leaseHeld(job);
      heldBack ||= !held;
      return held;
    };
    for (const running of this.slots.startable(leaseHeld)) this.run(running);
    if (heldBack) this.leases.renewSoon();
  }

  private run(running: RunningJob): void {
    this.attempts.run(running, () => {
      this.slots.finished(running.job);
      this.startBuffered();
      this.fill();
    });
  }

  /** Cancels a job this worker holds: a running one through its signal, a buffered one at once. */
  cancelLocal(jobId: string): void {
    const running = this.slots.runningJob(jobId);
    if (running) {
      running.abort.abort(new JobCancelledError('the job was cancelled'));
      return;
    }
    const job = this.slots.takeBuffered((buffered) => buffered.id === jobId);
    if (job) this.endUnstarted(job, { status: 'cancelled', error: 'cancelled before it started' });
  }

  /** Writes the outcome of a buffered job that will not run here: handed back, or cancelled. */
  private endUnstarted(job: ClaimedJob, outcome: Omit<Outcome, 'id' | 'token' | 'groupKey'>): void {
    void this.outcomes.write({
      id: job.id,
      token: job.leaseToken,
      groupKey: job.groupKey,
      ...outcome,
    });
  }
}

/**
 * The worker's own small pool for claims and lease renewals, whose commits by default do not wait
 * for the WAL flush (WORKER_CLAIMS_SYNCHRONOUS_COMMIT=off; not through a transaction pooler, which
 * takes no start-up options). If PostgreSQL itself crashes, the last fraction of a second of claims
 * may be forgotten: those jobs are simply claimed again, and a job running twice is what
 * at-least-once execution already allows. Enqueues and outcomes go through the main pool and wait
 * for the flush as usual.
 */
function claimPool(database: ConnectionTarget, synchronousCommit: string): Pool {
  return new Pool({
    ...pgConnectionSettings(database, { synchronous_commit: synchronousCommit }),
    max: MAX_CLAIMS_IN_FLIGHT + 1,
    application_name: 'taskyard-claims',
  });
}
