import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { Database } from '../database/database.js';
import { FilesService } from '../files/files.service.js';
import { removeInBatches } from '../database/remove-in-batches.js';
import { expiredFiles, expiredTasks } from './data-retention.sql.js';
import { TasksService } from './tasks.service.js';

const BATCH = 500;

/**
 * Deletes what has outlived its retention (TASKS_RETENTION_HOURS, FILES_RETENTION_HOURS, or the
 * tenant's own ages): finished tasks the way DELETE /tasks/{id} does (their processor's cleanup,
 * events, artifacts, blobs), and uploads no task refers to. 500 tasks per statement (a file per
 * statement), so no lock is held for long, and claims (on jobs) never wait on it. Run by the
 * retention job.
 */
@Injectable()
export class DataRetention {
  constructor(
    private readonly database: Database,
    private readonly config: AppConfig,
    private readonly tasks: TasksService,
    private readonly files: FilesService,
  ) {}

  async pruneTasks(): Promise<number> {
    const hours = this.config.tenants.taskRetentionHours;
    return removeInBatches({
      size: BATCH,
      next: () => expiredTasks(this.database.pool, hours, BATCH),
      remove: (tasks) => this.tasks.deleteManyFinished(tasks),
    });
  }

  async pruneFiles(): Promise<number> {
    const hours = this.config.tenants.fileRetentionHours;
    return removeInBatches({
      size: BATCH,
      next: () => expiredFiles(this.database.pool, hours, BATCH),
      remove: (ids) => this.files.deleteManyUnused(ids),
    });
  }
}
