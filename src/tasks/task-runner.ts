import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { FileEntity } from '../files/file.entity.js';
import { FilesService } from '../files/files.service.js';
import { HandlerRegistry } from '../jobs/handler-registry.js';
import type { JobContext } from '../jobs/job-handler.decorator.js';
import { ProcessorRegistry, type RegisteredProcessor } from './processor-registry.js';
import { ProgressCoalescer } from './progress-coalescer.js';
import type { TaskEntity } from './task.entity.js';
import { TASK_JOB_PREFIX, type TaskProgress } from './task.js';
import { TASKS_QUEUE } from './task-creator.js';
import type { TaskContext, TaskInputFile } from './task-processor.decorator.js';
import { TasksRepository } from './tasks.repository.js';
import { inSpan, parentOf, taskAttributes } from '../tracing/spans.js';

/** At most this many progress writes per second per task. */
const PROGRESS_INTERVAL_MS = 250;

/**
 * Runs task processors as job handlers: each task type is the job type `task:<type>`. The task's
 * state changes (started, retrying, succeeded, failed, cancelled) are written by the database
 * trigger that follows its job; this class only builds the processor's context.
 */
@Injectable()
export class TaskRunner implements OnModuleInit {
  constructor(
    private readonly processors: ProcessorRegistry,
    private readonly handlers: HandlerRegistry,
    private readonly tasks: TasksRepository,
    private readonly files: FilesService,
  ) {}

  onModuleInit(): void {
    for (const processor of this.processors.all()) {
      const { type, concurrency, timeoutMs, maxAttempts } = processor.meta;
      this.handlers.register(
        {
          type: `${TASK_JOB_PREFIX}${type}`,
          options: { concurrency, timeoutMs, maxAttempts, queue: TASKS_QUEUE },
        },
        (payload, job) => this.run(processor, payload as { taskId: string }, job),
        `${processor.instance.constructor.name}.process`,
      );
    }
  }

  private async run(
    processor: RegisteredProcessor,
    { taskId }: { taskId: string },
    job: JobContext,
  ): Promise<unknown> {
    const task = await this.tasks.find(taskId);
    // Gone, or ended meanwhile (a batch parent cancelled while it waited): nothing left to do.
    if (!task || task.status !== 'running' || task.attempts !== job.attempt) return null;
    const file = task.inputFileId ? await this.files.findById(task.inputFileId) : undefined;
    const progress = new ProgressCoalescer<TaskProgress>(async (value) => {
      await this.tasks.writeProgress(task.id, job.attempt, value);
    }, PROGRESS_INTERVAL_MS);
    try {
      const context = this.contextFor(task, job, progress, file);
      const result = await inSpan(
        `processor ${task.type}`,
        parentOf(),
        { attributes: taskAttributes(task, job.attempt) },
        async () => processor.instance.process(context),
      );
      return result ?? null;
    } finally {
      await progress.close();
    }
  }

  private contextFor(
    task: TaskEntity,
    job: JobContext,
    progress: ProgressCoalescer<TaskProgress>,
    file: FileEntity | undefined,
  ): TaskContext {
    return {
      taskId: task.id,
      tenant: task.tenant,
      type: task.type,
      attempt: job.attempt,
      options: task.options,
      payload: task.payload,
      file: file && this.inputFile(file),
      get signal() {
        return job.signal;
      },
      get logger() {
        return job.logger;
      },
      progress: (percent, message) =>
        progress.update({ percent: clampPercent(percent), ...(message ? { message } : {}) }),
      partial: async (data) => {
        await this.tasks.writePartial(task.id, job.attempt, data);
      },
      artifact: async (name, content, mediaType = 'application/octet-stream') => {
        await this.files.storeArtifact(task, name, content, mediaType);
      },
    };
  }

  private inputFile(file: FileEntity): TaskInputFile {
    return {
      id: file.id,
      name: file.name,
      mediaType: file.mediaType,
      size: Number(file.size),
      open: () => this.files.open(file),
    };
  }
}

function clampPercent(percent: number): number {
  return Number.isFinite(percent) ? Math.min(100, Math.max(0, Math.round(percent * 10) / 10)) : 0;
}
