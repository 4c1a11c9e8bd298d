import { Injectable } from '@nestjs/common';
import { Database } from '../database/database.js';
import { AppConfig } from '../config/app-config.js';
import { JobHandler } from '../jobs/job-handler.decorator.js';
import { pruneFinished } from '../jobs/sql/prune.sql.js';
import { pruneRemoteWorkers } from '../remote/remote-workers.sql.js';
import { pruneWorkers } from './worker-processes.sql.js';

export const PRUNE_JOB_TYPE = 'taskyard.jobs.prune';

/**
 * Retention (scheduled by JOBS_RETENTION_CRON): deletes finished jobs older than
 * JOBS_RETENTION_HOURS, and the registry's rows of worker processes and remote workers not heard
 * from for as long (kept as long as the jobs that may name them as their lease owner). A remote
 * worker forgotten so registers again (its claims answer 404 until it does).
 */
@Injectable()
export class RetentionHandler {
  constructor(
    private readonly database: Database,
    private readonly config: AppConfig,
  ) {}

  @JobHandler(PRUNE_JOB_TYPE, { concurrency: 1, maxAttempts: 3 })
  async prune(): Promise<{
    deleted: number;
    workerProcessesDeleted: number;
    remoteWorkersDeleted: number;
  }> {
    const { pool } = this.database;
    const { retentionMs } = this.config.jobs;
    return {
      deleted: await pruneFinished(pool, retentionMs),
      workerProcessesDeleted: await pruneWorkers(pool, retentionMs),
      remoteWorkersDeleted: await pruneRemoteWorkers(pool, retentionMs),
    };
  }
}
