import { Global, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { SchedulesWorkerModule } from '../schedules/schedules.module.js';
import { TasksModule } from '../tasks/tasks.module.js';
import { CronScheduler } from './cron-scheduler.js';
import { ReaperService } from './reaper.service.js';
import { RetentionHandler } from './retention.handler.js';
import { WorkerHealthIndicator } from './worker.health.js';
import { WorkerService } from './worker.service.js';

/** Loaded for ROLE=worker and ROLE=all. Global so that the readiness check can see the worker. */
@Global()
@Module({
  imports: [TerminusModule, TasksModule, SchedulesWorkerModule],
  providers: [WorkerService, ReaperService, CronScheduler, RetentionHandler, WorkerHealthIndicator],
  exports: [WorkerService, WorkerHealthIndicator],
})
export class WorkerModule {}
