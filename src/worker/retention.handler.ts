import { Injectable } from '@nestjs/common';
import { Database } from '../database/database.js';
import { AppConfig } from '../config/app-config.js';
import { JobHandler } from '../jobs/job-handler.decorator.js';
import { pruneFinished } from '../jobs/sql/prune.sql.js';

export const PRUNE_JOB_TYPE = 'taskyard.jobs.prune';

/** Retention: deletes finished jobs older than JOBS_RETENTION_HOURS (scheduled by JOBS_RETENTION_CRON). */
@Injectable()
export class RetentionHandler {
  constructor(
    private readonly database: Database,
    private readonly config: AppConfig,
  ) {}

  @JobHandler(PRUNE_JOB_TYPE, { concurrency: 1, maxAttempts: 3 })
  async prune(): Promise<{ deleted: number }> {
    return { deleted: await pruneFinished(this.database.pool, this.config.jobs.retentionMs) };
  }
}
