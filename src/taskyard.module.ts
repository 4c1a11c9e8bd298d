import { type DynamicModule, Module, type Type } from '@nestjs/common';
import type { Logger } from 'pino';
import { AppConfig } from './config/app-config.js';
import { ConfigModule } from './config/config.module.js';
import type { Role } from './config/environment.js';
import { DatabaseModule } from './database/database.module.js';
import { JobsModule } from './jobs/jobs.module.js';
import { LoggingModule } from './logging/logging.module.js';
import { createRootLogger } from './logging/root-logger.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { BuiltInProcessorsModule } from './tasks/processors/built-in-processors.module.js';
import { TASK_PROCESSOR_METADATA } from './tasks/task-processor.decorator.js';
import { TasksModule } from './tasks/tasks.module.js';
import {
  configFromOptions,
  type TaskyardModuleAsyncOptions,
  type TaskyardModuleOptions,
  type TaskyardStructureOptions,
} from './taskyard.options.js';
import { WorkerModule } from './worker/worker.module.js';

/**
 * The queue and the tasks, as a module of a NestJS application: `forRoot()` / `forRootAsync()` in
 * a host application, `forConfig()` in the standalone service (src/app.module.ts), which adds the
 * HTTP API, the gateway, health and metrics routes around it. Global, like the modules it sets up
 * (config, logging, database, jobs, worker): TasksService and JobsService can be injected anywhere,
 * and @TaskProcessor / @JobHandler providers of any module are found.
 */
@Module({})
export class TaskyardModule {
  static forRoot(options: TaskyardModuleOptions): DynamicModule {
    const config = configFromOptions(options, options.role);
    const logger = options.logger ?? createRootLogger(config.logLevel);
    return assemble([ConfigModule.forRoot(config), LoggingModule.forRoot(logger)], options);
  }

  /** Settings from the host's own providers (its ConfigService, say); `role` and processors beside. */
  static forRootAsync(options: TaskyardModuleAsyncOptions): DynamicModule {
    const { logger, role, imports, inject, useFactory } = options;
    const config = ConfigModule.forRootAsync({
      imports,
      inject,
      useFactory: async (...args: unknown[]) =>
        configFromOptions(await useFactory(...(args as never[])), role),
    });
    const logging = logger
      ? LoggingModule.forRoot(logger)
      : LoggingModule.forRootAsync({
          inject: [AppConfig],
          useFactory: (settings: AppConfig) => createRootLogger(settings.logLevel),
        });
    return assemble([config, logging], options);
  }

  /** The standalone service's way in: settings already read from the environment. */
  static forConfig(config: AppConfig, logger: Logger): DynamicModule {
    return assemble([ConfigModule.forRoot(config), LoggingModule.forRoot(logger)], {
      role: config.role,
    });
  }
}

function assemble(settings: DynamicModule[], options: TaskyardStructureOptions): DynamicModule {
  const processors = options.processors ?? [];
  for (const processor of processors) assertProcessor(processor);
  return {
    module: TaskyardModule,
    global: true,
    imports: [
      ...settings,
      DatabaseModule,
      MetricsModule,
      JobsModule,
      TasksModule,
      ...(options.builtInProcessors === false ? [] : [BuiltInProcessorsModule]),
      ...(runsWorker(options.role ?? 'all') ? [WorkerModule] : []),
    ],
    providers: processors,
    exports: [TasksModule],
  };
}

function runsWorker(role: Role): boolean {
  return role !== 'api';
}

function assertProcessor(processor: Type): void {
  if (!Reflect.hasMetadata(TASK_PROCESSOR_METADATA, processor)) {
    throw new Error(
      `TaskyardModule: ${processor.name} is listed in processors but has no @TaskProcessor(type, options)`,
    );
  }
}
