import { Injectable } from '@nestjs/common';
import { Counter } from 'prom-client';
import { AppConfig } from '../config/app-config.js';
import { Database } from '../database/database.js';
import { JobHandler } from '../jobs/job-handler.decorator.js';
import { pruneFinished } from '../jobs/sql/prune.sql.js';
import { ContextLogger, InjectLogger } from '../logging/logger.js';
import { MetricsRegistry } from '../metrics/metrics.registry.js';
import { pruneRemoteWorkers } from '../remote/remote-workers.sql.js';
import { DataRetention } from '../tasks/data-retention.js';
import { pruneWorkers } from './worker-processes.sql.js';

export const PRUNE_JOB_TYPE = 'taskyard.jobs.prune';

export interface Pruned {
  deleted: number;
  workerProcessesDeleted: number;
  remoteWorkersDeleted: number;
  tasksDeleted: number;
  filesDeleted: number;
}

const KINDS = ['jobs', 'worker_processes', 'remote_workers', 'tasks', 'files'] as const;

/**
 * Retention (scheduled by JOBS_RETENTION_CRON): deletes finished jobs older than
 * JOBS_RETENTION_HOURS, and the registry's rows of worker processes and remote workers not heard
 * from for as long (kept as long as the jobs that may name them as their lease owner). A remote
 * worker forgotten so registers again (its claims answer 404 until it does). Then finished tasks
 * and unused uploads past their retention (DataRetention).
 */
@Injectable()
export class RetentionHandler {
  private readonly deletedTotal: Counter<'kind'>;

  constructor(
    private readonly database: Database,
    private readonly config: AppConfig,
    private readonly data: DataRetention,
    registry: MetricsRegistry,
    @InjectLogger('retention') private readonly logger: ContextLogger,
  ) {
    this.deletedTotal = new Counter({
      name: 'taskyard_retention_deleted_total',
      help: 'Rows deleted by the retention job, by kind',
      labelNames: ['kind'],
      registers: [registry],
    });
    for (const kind of KINDS) this.deletedTotal.inc({ kind }, 0);
  }

  @JobHandler(PRUNE_JOB_TYPE, { concurrency: 1, maxAttempts: 3 })
  async prune(): Promise<Pruned> {
    const { pool } = this.database;
    const { retentionMs } = this.config.jobs;
    const pruned: Pruned = {
      deleted: await pruneFinished(pool, retentionMs),
      workerProcessesDeleted: await pruneWorkers(pool, retentionMs),
      remoteWorkersDeleted: await pruneRemoteWorkers(pool, retentionMs),
      tasksDeleted: await this.data.pruneTasks(),
      filesDeleted: await this.data.pruneFiles(),
    };
    const byKind: Record<(typeof KINDS)[number], number> = {
      jobs: pruned.deleted,
      worker_processes: pruned.workerProcessesDeleted,
      remote_workers: pruned.remoteWorkersDeleted,
      tasks: pruned.tasksDeleted,
      files: pruned.filesDeleted,
    };
    for (const kind of KINDS) this.deletedTotal.inc({ kind }, byKind[kind]);
    this.logger.info(pruned, 'retention done');
    return pruned;
  }
}
