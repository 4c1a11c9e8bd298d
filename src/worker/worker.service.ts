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
import type { Logger } from 'pino';
import { AppConfig } from '../config/app-config.js';
import { type Db, JOBS_CHANNEL } from '../jobs/db.js';
import { JobCancelledError, LeaseLostError, WorkerShutdownError } from '../jobs/errors.js';
import { HandlerRegistry, type RegisteredHandler } from '../jobs/handler-registry.js';
import type { ClaimedJob } from '../jobs/job.js';
import { JobsMetrics } from '../jobs/jobs.metrics.js';
import { claimJobs } from '../jobs/sql/claim.sql.js';
import { type Lease, renewLeases, writeProgress } from '../jobs/sql/lease.sql.js';
import { decideOutcome } from './decide-outcome.js';
import { AttemptAbort, executeJob } from './job-execution.js';
import { PgListener } from '../database/pg-listener.js';
import { OutcomeWriter } from './outcome-writer.js';

interface RunningJob {
  job: ClaimedJob;
  handler: RegisteredHandler;
  abort: AttemptAbort;
}

const MAX_CLAIMS_IN_FLIGHT = 2;

/** Conflicts a claim can meet when it races another claimer; it simply claims again. */
const RETRYABLE_CLAIM_ERRORS = new Set(['23505', '40P01']);

/**
 * The scheduled worker: claims jobs in batches, keeps a small buffer of claimed jobs so that a
 * finished handler never waits on a round trip, runs handlers within the process-wide and per-type
 * limits, renews leases, and hands unfinished work back on shutdown.
 */
@Injectable()
export class WorkerService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  readonly id = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  private readonly db: Db;
  /** Claims and lease renewals: see claimPool(). */
  private readonly claims: Pool;
  private readonly outcomes: OutcomeWriter;
  private listener?: PgListener;
  private buffer: ClaimedJob[] = [];
  private readonly running = new Map<string, RunningJob>();
  private readonly runningByType = new Map<string, number>();
  private readonly heldByType = new Map<string, number>();
  private readonly runningByQueue = new Map<string, number>();
  private readonly heldByQueue = new Map<string, number>();
  /** Claims under way, and the jobs they asked for: two may overlap to hide a claim's latency. */
  private claimsInFlight = 0;
  /** When each held job's lease was last known to be extended (a conservative lower bound). */
  private readonly leaseSince = new WeakMap<ClaimedJob, number>();
  private requested = 0;
  private claimAgain = false;
  private stopping = false;
  private pollTimer?: NodeJS.Timeout;
  private renewTimer?: NodeJS.Timeout;
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
    this.claims = claimPool(config.database.url ?? '');
    this.claims.on('error', (error) => this.logger.warn({ err: error }, 'claim connection lost'));
    this.outcomes = new OutcomeWriter(this.db, this.logger.logger, config.jobs.leaseMs, () =>
      this.fill(),
    );
  }

  get listenerConnected(): boolean {
    return this.listener?.connected ?? false;
  }

  /** `queue:<name>`: jobs became runnable there; `cancel:<id>`: a running job was asked to stop. */
  private dispatch(payload: string): void {
    const separator = payload.indexOf(':');
    const kind = payload.slice(0, separator);
    const value = payload.slice(separator + 1);
    if (kind === 'queue') this.wake(value);
    else if (kind === 'cancel') this.cancelLocal(value);
  }

  async onApplicationBootstrap(): Promise<void> {
    const url = this.config.database.url ?? '';
    this.listener = new PgListener(
      url,
      JOBS_CHANNEL,
      {
        onNotification: (payload) => this.dispatch(payload),
        onConnectionChange: (connected) => this.metrics.listenerConnected.set(connected ? 1 : 0),
      },
      this.logger.logger,
    );
    await this.listener.start();
    const { pollIntervalMs, leaseMs } = this.config.jobs;
    this.pollTimer = setInterval(() => this.fill(), pollIntervalMs);
    this.renewTimer = setInterval(() => void this.renewLeases(), Math.floor(leaseMs / 3));
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
    const buffered = this.buffer.splice(0);
    for (const job of buffered) {
      this.release(job);
      void this.outcomes.write({
        id: job.id,
        token: job.leaseToken,
        groupKey: job.groupKey,
        status: 'queued',
        release: true,
      });
    }
    const deadline = Date.now() + Math.max(0, this.config.shutdownGraceMs - 2000);
    while (this.running.size > 0 && Date.now() < deadline) await sleep(20);
    const unfinished = [...this.running.values()];
    for (const { abort } of unfinished)
      abort.abort(new WorkerShutdownError('worker shutting down'));
    while (this.running.size > 0) await sleep(5);
    await this.outcomes.drained();
    clearInterval(this.renewTimer);
    await this.listener?.stop();
    await this.claims.end();
    this.logger.info({ handedBack: buffered.length + unfinished.length }, 'worker stopped');
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
    const { concurrency, prefetch } = this.config.worker;
    const coming = this.buffer.length + this.requested;
    // A job is held until its outcome is written, not only until its handler returns: claims can
    // then never outrun outcome writing, and what the worker holds stays bounded.
    const room = concurrency + prefetch - this.running.size - coming - this.outcomes.size;
    // Claim in batches: when what is buffered or on its way falls to half the prefetch, or a slot
    // would otherwise sit idle.
    const due =
      room > 0 && (coming <= prefetch / 2 || (coming === 0 && this.running.size < concurrency));
    const types = due ? this.claimableTypes() : [];
    if (types.length === 0) {
      // A wake-up that arrives while a claim is under way may be for a job that claim started too
      // early to see: look again once it lands.
      if (this.claimsInFlight > 0) this.claimAgain = true;
      this.lastLoopAt = Date.now();
      return;
    }
    const limit = Math.min(room, this.typeRoom(types));
    this.claimsInFlight++;
    this.requested += limit;
    this.claimAgain = false;
    void this.claim(types, limit).finally(() => {
      this.claimsInFlight--;
      this.requested -= limit;
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
        fullQueues: this.fullQueues(),
        limit,
        leaseMs: this.config.jobs.leaseMs,
        groupMaxRunning: this.config.jobs.groupMaxRunning,
      });
      this.lastLoopAt = Date.now();
      for (const job of claimed) {
        this.leaseSince.set(job, sentAt);
        this.buffer.push(job);
        increment(this.heldByType, job.type, 1);
        increment(this.heldByQueue, job.queue, 1);
      }
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

  /** Queues with a per-process limit that this worker's held jobs already reach. */
  private fullQueues(): string[] {
    const full: string[] = [];
    for (const [queue, limit] of this.config.worker.queueConcurrency) {
      if ((this.heldByQueue.get(queue) ?? 0) >= limit) full.push(queue);
    }
    return full;
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
      room += Math.max(0, limit - (this.heldByType.get(type) ?? 0));
    }
    return room;
  }

  /** Types with a handler and room under their own concurrency limit. */
  private claimableTypes(): string[] {
    return this.handlers
      .all()
      .filter(
        (h) =>
          h.options.concurrency === undefined ||
          (this.heldByType.get(h.type) ?? 0) < h.options.concurrency,
      )
      .map((h) => h.type);
  }

  private startBuffered(): void {
    if (this.stopping) return;
    const { concurrency } = this.config.worker;
    for (let i = 0; i < this.buffer.length && this.running.size < concurrency;) {
      const job = this.buffer[i];
      const handler = this.handlers.get(job.type);
      const typeLimit = handler?.options.concurrency;
      const queueLimit = this.config.worker.queueConcurrency.get(job.queue);
      if (
        (typeLimit !== undefined && (this.runningByType.get(job.type) ?? 0) >= typeLimit) ||
        (queueLimit !== undefined && (this.runningByQueue.get(job.queue) ?? 0) >= queueLimit)
      ) {
        i++;
        continue;
      }
      this.buffer.splice(i, 1);
      if (handler) this.run(job, handler);
    }
  }

  private run(job: ClaimedJob, handler: RegisteredHandler): void {
    const abort = new AttemptAbort();
    this.running.set(job.id, { job, handler, abort });
    increment(this.runningByType, job.type, 1);
    increment(this.runningByQueue, job.queue, 1);
    const metrics = this.metrics.forJobs(job.queue, job.type);
    metrics.queueWait.observe(Math.max(0, Date.now() - job.runAtMs) / 1000);
    const lease = { id: job.id, token: job.leaseToken };
    const timeoutMs =
      job.timeoutMs ?? handler.options.timeoutMs ?? this.config.jobs.defaultTimeoutMs;
    const logger = (): Logger =>
      this.logger.logger.child({ jobId: job.id, type: job.type, attempt: job.attempts });
    const started = performance.now();
    void executeJob(job, handler, abort, timeoutMs, {
      logger,
      heartbeat: () => this.heartbeat(lease, abort),
      progress: async (data) => {
        if (!(await writeProgress(this.db, lease, data))) throw this.loseLease(abort, job.id);
      },
    })
      .then(async (execution) => {
        this.running.delete(job.id);
        this.release(job, true);
        this.startBuffered();
        this.fill();
        const decided = decideOutcome(job, execution, {
          baseMs: handler.options.backoff?.baseMs ?? this.config.jobs.backoffBaseMs,
          maxMs: handler.options.backoff?.maxMs ?? this.config.jobs.backoffMaxMs,
        });
        if (!execution.ok && !(execution.error instanceof WorkerShutdownError)) {
          logger().warn(
            { err: execution.error, outcome: decided?.kind ?? 'lease-lost' },
            'job attempt failed',
          );
        }
        if (!decided) return;
        metrics.duration(decided.kind).observe((performance.now() - started) / 1000);
        const accepted = await this.outcomes.write(decided.outcome);
        if (accepted) metrics.outcome(decided.kind);
        else
          logger().warn(
            { outcome: decided.kind },
            'outcome not recorded: the lease was lost or the write failed; the job will run again',
          );
      })
      .catch((error: unknown) =>
        logger().error({ err: error }, 'recording the outcome of a job failed'),
      );
  }

  /** Forget a job this worker held (buffered or, with `wasRunning`, running). */
  private release(job: ClaimedJob, wasRunning = false): void {
    increment(this.heldByType, job.type, -1);
    increment(this.heldByQueue, job.queue, -1);
    if (wasRunning) {
      increment(this.runningByType, job.type, -1);
      increment(this.runningByQueue, job.queue, -1);
    }
  }

  private async heartbeat(lease: Lease, abort: AttemptAbort): Promise<void> {
    const renewed = await renewLeases(this.claims, [lease], this.config.jobs.leaseMs);
    if (renewed.length === 0) throw this.loseLease(abort, lease.id);
  }

  private loseLease(abort: AttemptAbort, jobId: string): LeaseLostError {
    const error = new LeaseLostError(`the lease on job ${jobId} was lost`);
    abort.abort(error);
    return error;
  }

  /**
   * Renews every lease this worker holds: running and buffered jobs, and finished ones whose
   * outcome is still to be written (a slow write must not let their lease lapse). Stops jobs whose
   * lease was lost or that were cancelled.
   */
  private async renewLeases(): Promise<void> {
    const held = [...[...this.running.values()].map((r) => r.job), ...this.buffer];
    const awaitingOutcome = this.outcomes.leases();
    if (held.length + awaitingOutcome.length === 0) return;
    const sentAt = Date.now();
    let renewed;
    try {
      renewed = await renewLeases(
        this.claims,
        [...held.map((job) => ({ id: job.id, token: job.leaseToken })), ...awaitingOutcome],
        this.config.jobs.leaseMs,
      );
    } catch (error) {
      this.logger.warn({ err: error, jobs: held.length }, 'renewing leases failed');
      // Past its lease a job may already run elsewhere: stop it here rather than run it twice at once.
      const { leaseMs } = this.config.jobs;
      for (const job of held) {
        if (Date.now() - (this.leaseSince.get(job) ?? 0) >= leaseMs) this.dropLost(job);
      }
      return;
    }
    const alive = new Map(renewed.map((r) => [r.id, r.cancel_requested]));
    for (const job of held) {
      const cancelRequested = alive.get(job.id);
      if (cancelRequested === undefined) this.dropLost(job);
      else {
        this.leaseSince.set(job, sentAt);
        if (cancelRequested) this.cancelLocal(job.id);
      }
    }
  }

  private dropLost(job: ClaimedJob): void {
    const running = this.running.get(job.id);
    if (running?.job.leaseToken === job.leaseToken) {
      this.loseLease(running.abort, job.id);
      return;
    }
    const index = this.buffer.indexOf(job);
    if (index >= 0) {
      this.buffer.splice(index, 1);
      this.release(job);
      this.logger.warn({ jobId: job.id }, 'dropped a buffered job whose lease was lost');
    }
  }

  /** Cancels a job this worker holds: a running one through its signal, a buffered one at once. */
  cancelLocal(jobId: string): void {
    const running = this.running.get(jobId);
    if (running) {
      running.abort.abort(new JobCancelledError('the job was cancelled'));
      return;
    }
    const index = this.buffer.findIndex((job) => job.id === jobId);
    if (index < 0) return;
    const [job] = this.buffer.splice(index, 1) as [ClaimedJob];
    this.release(job);
    void this.outcomes.write({
      id: job.id,
      token: job.leaseToken,
      groupKey: job.groupKey,
      status: 'cancelled',
      error: 'cancelled before it started',
    });
  }
}

/**
 * The worker's own small pool for claims and lease renewals, whose commits do not wait for the WAL
 * flush (synchronous_commit=off). If PostgreSQL itself crashes, the last fraction of a second of
 * claims may be forgotten: those jobs are simply claimed again, and a job running twice is what
 * at-least-once execution already allows. Enqueues and outcomes go through the main pool and wait
 * for the flush as usual.
 */
function claimPool(url: string): Pool {
  return new Pool({
    connectionString: url,
    max: MAX_CLAIMS_IN_FLIGHT + 1,
    application_name: 'taskyard-claims',
    options: '-c jit=off -c synchronous_commit=off',
  });
}

function increment(counts: Map<string, number>, key: string, by: number): void {
  counts.set(key, (counts.get(key) ?? 0) + by);
}
