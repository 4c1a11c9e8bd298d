/**
 * Taskyard as a library (package entry `taskyard`): the module a NestJS application imports, the
 * decorators of its job handlers and task processors, and the services it calls. The standalone
 * service (src/main.ts) is built from the same module.
 */
export { TaskyardModule } from './taskyard.module.js';
export type {
  TaskyardConnectionOptions,
  TaskyardModuleAsyncOptions,
  TaskyardModuleOptions,
  TaskyardSettings,
  TaskyardStructureOptions,
} from './taskyard.options.js';
export { ConfigError } from './config/load-config.js';
export type { Role } from './config/environment.js';

export { JobHandler } from './jobs/job-handler.decorator.js';
export type { JobContext, JobHandlerOptions } from './jobs/job-handler.decorator.js';
export { JobsService, type EnqueueOptions } from './jobs/jobs.service.js';
export type { Job, JobSpec, JobStatus } from './jobs/job.js';
export type { JobWait, JobWaitReason } from './jobs/sql/explain.sql.js';
export { JobCancelledError, JobTimeoutError, PermanentJobError } from './jobs/errors.js';

export { TaskProcessor } from './tasks/task-processor.decorator.js';
export type {
  TaskContext,
  TaskInputFile,
  TaskProcessorHandler,
  TaskProcessorOptions,
} from './tasks/task-processor.decorator.js';
export { OptionsSchema, type JsonSchema } from './tasks/options-schema.js';
export { TaskCreator, type CreatedTask, type TaskInput } from './tasks/task-creator.js';
export { TasksService } from './tasks/tasks.service.js';
export type { TaskEventView, TaskStatus, TaskView } from './tasks/task.js';
export type { TaskWaiting, TaskWaitReason } from './tasks/task-waiting.js';
export type { TaskEntity } from './tasks/task.entity.js';
export type { TaskSpec } from './tasks/task-spec.js';
export type { Caller } from './auth/api-key.js';

export { WorkerHealthIndicator } from './worker/worker.health.js';
export { MetricsRegistry } from './metrics/metrics.registry.js';
