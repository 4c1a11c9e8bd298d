import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { Database } from '../database/database.js';
import { FilesService } from '../files/files.service.js';
import { ContextLogger, InjectLogger } from '../logging/logger.js';
import { deleteUnusedFile, expiredFiles, expiredTasks } from './data-retention.sql.js';
import { TasksService } from './tasks.service.js';

const BATCH = 500;

/**
 * Deletes what has outlived its retention (TASKS_RETENTION_HOURS, FILES_RETENTION_HOURS, or the
 * tenant's own ages): finished tasks the way DELETE /tasks/{id} does (their processor's cleanup,
 * events, artifacts, blobs), and uploads no task refers to. One task or file per statement, so no
 * lock is held for long and claims never wait on it. Run by the retention job.
 */
@Injectable()
export class DataRetention {
  constructor(
    private readonly database: Database,
    private readonly config: AppConfig,
    private readonly tasks: TasksService,
    private readonly files: FilesService,
    @InjectLogger('retention') private readonly logger: ContextLogger,
  ) {}

  async pruneTasks(): Promise<number> {
    const hours = this.config.tenants.taskRetentionHours;
    return this.inBatches(
      () => expiredTasks(this.database.pool, hours, BATCH),
      (task) => this.tasks.deleteFinished(task),
      (task) => ({ taskId: task.id }),
    );
  }

  async pruneFiles(): Promise<number> {
    const hours = this.config.tenants.fileRetentionHours;
    return this.inBatches(
      () => expiredFiles(this.database.pool, hours, BATCH),
      async (id) => {
        const sha256 = await deleteUnusedFile(this.database.pool, id);
        if (sha256) await this.files.releaseBlobs([sha256]);
        return sha256 !== undefined;
      },
      (id) => ({ fileId: id }),
    );
  }

  /**
   * Deletes batch after batch until one comes back short. One that cannot be deleted is logged
   * and left for the next run; a batch that deletes nothing ends this run.
   */
  private async inBatches<T>(
    next: () => Promise<T[]>,
    remove: (item: T) => Promise<boolean>,
    describe: (item: T) => object,
  ): Promise<number> {
    let total = 0;
    for (;;) {
      const batch = await next();
      let deleted = 0;
      for (const item of batch) {
        try {
          if (await remove(item)) deleted += 1;
        } catch (error) {
          this.logger.warn({ err: error, ...describe(item) }, 'retention could not delete it');
        }
      }
      total += deleted;
      if (batch.length < BATCH || deleted === 0) return total;
    }
  }
}
