import { Injectable } from '@nestjs/common';
import { Database } from '../database/database.js';
import { removeInBatches } from '../database/remove-in-batches.js';
import { FilesService } from '../files/files.service.js';
import { JobHandler } from '../jobs/job-handler.decorator.js';
import { PostponeJobError } from '../jobs/errors.js';
import { JobsService } from '../jobs/jobs.service.js';
import { ContextLogger, InjectLogger } from '../logging/logger.js';
import { TasksService } from '../tasks/tasks.service.js';
import {
  finishedTasks,
  forgetTenant,
  remainingOf,
  unfinishedJobs,
  uploadsOf,
} from './tenant-purge.sql.js';

export const PURGE_TENANT_JOB_TYPE = 'taskyard.tenants.purge';

const BATCH = 500;
/** How soon to look again while the tenant's cancelled tasks are still stopping. */
const STOPPING_RECHECK_MS = 1_000;

export interface PurgeTenantPayload {
  tenant: string;
}

/**
 * Deletes everything of a tenant (DELETE /api/v1/admin/tenants/{tenant}), as a queue job so that
 * it survives restarts and runs again until it is done: first its access and settings, then it
 * cancels its unfinished tasks, deletes its finished ones as DELETE /tasks/{id} does (processor
 * cleanup, events, artifacts, blobs), and its uploads. Tasks still stopping postpone the job.
 */
@Injectable()
export class TenantPurge {
  constructor(
    private readonly database: Database,
    private readonly tasks: TasksService,
    private readonly files: FilesService,
    private readonly jobs: JobsService,
    @InjectLogger('tenants') private readonly logger: ContextLogger,
  ) {}

  @JobHandler(PURGE_TENANT_JOB_TYPE, { maxAttempts: 10 })
  async purge(payload: unknown): Promise<{ tasksDeleted: number; filesDeleted: number }> {
    const { tenant } = payload as PurgeTenantPayload;
    const db = this.database.pool;
    await forgetTenant(db, tenant);
    // Queued ones end cancelled at once; running ones once their worker has stopped them.
    for (let jobs = await unfinishedJobs(db, tenant, '0', BATCH); jobs.length > 0;) {
      await this.jobs.cancelMany(jobs);
      jobs = await unfinishedJobs(db, tenant, jobs.at(-1) ?? '0', BATCH);
    }
    const tasksDeleted = await removeInBatches({
      size: BATCH,
      next: () => finishedTasks(db, tenant, BATCH),
      remove: (tasks) => this.tasks.deleteManyFinished(tasks),
    });
    const filesDeleted = await removeInBatches({
      size: BATCH,
      next: () => uploadsOf(db, tenant, BATCH),
      remove: (ids) => this.files.deleteManyUnused(ids),
    });
    const remaining = await remainingOf(db, tenant);
    this.logger.info({ tenant, tasksDeleted, filesDeleted, remaining }, 'tenant purge pass');
    if (remaining.tasks > 0 || remaining.files > 0) {
      throw new PostponeJobError(
        STOPPING_RECHECK_MS,
        `tenant ${tenant}: ${remaining.tasks} tasks and ${remaining.files} files left (tasks still stopping)`,
      );
    }
    return { tasksDeleted, filesDeleted };
  }
}
