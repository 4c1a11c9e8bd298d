import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Database } from '../database/database.js';
import { GroupCommit } from '../database/group-commit.js';
import { AppConfig } from '../config/app-config.js';
import { connectionOf, type Db } from './db.js';
import { insertPrepared, type PreparedJob, prepareJob } from './enqueue-rows.js';
import { HandlerRegistry } from './handler-registry.js';
import { type Job, type JobSpec, toJob } from './job.js';
import { JobsMetrics } from './jobs.metrics.js';
import { cancelJobs, retryJobs, selectJob } from './sql/control.sql.js';
import { explainWait, type JobWait } from './sql/explain.sql.js';
import { setGroupMaxRunning } from './sql/groups.sql.js';
import { activeTraceParent } from '../tracing/spans.js';

export interface EnqueueOptions {
  /** The EntityManager of an open transaction: the jobs then exist only if it commits. */
  manager?: EntityManager;
  /** Or the pg connection of an open transaction. */
  tx?: Db;
}

/** The queue's front door: enqueue, look up, cancel, retry. */
@Injectable()
export class JobsService {
  private readonly db: Db;
  /** Single enqueues made together share one INSERT, and so one commit and one NOTIFY. */
  private readonly batcher: GroupCommit<PreparedJob, Job>;
  /** Names the tables in the statements that may run in a caller's transaction. */
  private readonly schema: string;

  constructor(
    database: Database,
    private readonly config: AppConfig,
    private readonly handlers: HandlerRegistry,
    private readonly metrics: JobsMetrics,
  ) {
    this.db = database.pool;
    this.schema = database.schema;
    this.batcher = new GroupCommit((jobs) => insertPrepared(this.db, this.schema, jobs), {
      maxBatch: 1000,
      failedBatch: 'fail-all',
    });
  }

  /** Stores one job; resolves once it is committed (or, with a manager, written in that transaction). */
  async enqueue(spec: JobSpec, options: EnqueueOptions = {}): Promise<Job> {
    const prepared = prepareJob(spec, this.defaultMaxAttempts(spec.type), activeTraceParent());
    const tx = await transactionOf(options);
    const job = tx
      ? (await insertPrepared(tx, this.schema, [prepared]))[0]
      : await this.batcher.add(prepared);
    this.metrics.enqueued.inc({ queue: job.queue, type: job.type });
    return job;
  }

  /** Stores many jobs in one statement, all or none. */
  async enqueueMany(specs: JobSpec[], options: EnqueueOptions = {}): Promise<Job[]> {
    if (specs.length === 0) return [];
    const traceParent = activeTraceParent();
    const prepared = specs.map((spec) =>
      prepareJob(spec, this.defaultMaxAttempts(spec.type), traceParent),
    );
    const jobs = await insertPrepared(
      (await transactionOf(options)) ?? this.db,
      this.schema,
      prepared,
    );
    const counts = new Map<string, { queue: string; type: string; n: number }>();
    for (const job of jobs) {
      const key = `${job.queue}\u0000${job.type}`;
      const count = counts.get(key) ?? { queue: job.queue, type: job.type, n: 0 };
      count.n++;
      counts.set(key, count);
    }
    for (const { queue, type, n } of counts.values()) this.metrics.enqueued.inc({ queue, type }, n);
    return jobs;
  }

  /** Running jobs allowed for one group key, cluster-wide; null: JOBS_GROUP_MAX_RUNNING. */
  async setGroupMaxRunning(groupKey: string, maxRunning: number | null): Promise<void> {
    await setGroupMaxRunning(this.db, groupKey, maxRunning);
  }

  async get(id: string): Promise<Job | undefined> {
    const row = isJobId(id) ? await selectJob(this.db, id) : undefined;
    return row && toJob(row);
  }

  /** Why a queued job is not running (see explain.sql.ts); undefined when it is not queued. */
  async explainWait(id: string): Promise<JobWait | undefined> {
    if (!isJobId(id)) return undefined;
    const { jobs, workers } = this.config;
    return explainWait(this.db, id, jobs.groupMaxRunning, workers.goneAfterMs);
  }

  /** A queued job ends `cancelled` now; a running one is signalled and ends `cancelled` when its handler stops. */
  async cancel(id: string): Promise<Job | undefined> {
    const row = isJobId(id) ? (await cancelJobs(this.db, this.schema, [id]))[0] : undefined;
    return row ? toJob(row) : this.get(id);
  }

  /** Cancels many jobs at once, as `cancel` does one; answers the jobs it cancelled or signalled. */
  async cancelMany(ids: string[], options: EnqueueOptions = {}): Promise<Job[]> {
    const valid = ids.filter(isJobId);
    if (valid.length === 0) return [];
    return (await cancelJobs((await transactionOf(options)) ?? this.db, this.schema, valid)).map(
      toJob,
    );
  }

  /** Queues a failed or cancelled job again with fresh attempts; undefined if it is neither. */
  async retry(id: string): Promise<Job | undefined> {
    return (await this.retryMany([id]))[0];
  }

  /** Retries many jobs at once, as `retry` does one; answers the jobs it queued again. */
  async retryMany(ids: string[]): Promise<Job[]> {
    const valid = ids.filter(isJobId);
    if (valid.length === 0) return [];
    return (await retryJobs(this.db, valid)).map(toJob);
  }

  private defaultMaxAttempts(type: string): number {
    return this.handlers.get(type)?.options.maxAttempts ?? this.config.jobs.defaultMaxAttempts;
  }
}

async function transactionOf(options: EnqueueOptions): Promise<Db | undefined> {
  return options.tx ?? (options.manager && (await connectionOf(options.manager)));
}

function isJobId(id: string): boolean {
  return /^[1-9]\d{0,18}$/.test(id);
}
