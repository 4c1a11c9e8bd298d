import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { FilesModule } from '../files/files.module.js';
import { TenantLimitsModule } from '../tenants/tenant-limits.module.js';
import { BatchProcessor } from './processors/batch.processor.js';
import { ImportRowsService } from './import-rows.service.js';
import { CsvImportProcessor } from './processors/csv-import.processor.js';
import { EchoProcessor } from './processors/echo.processor.js';
import { SleepProcessor } from './processors/sleep.processor.js';
import { TextAnalyzeProcessor } from './processors/text-analyze.processor.js';
import { ProcessorRegistry } from './processor-registry.js';
import { TaskCreator } from './task-creator.js';
import { TaskEventsListener } from './task-events.listener.js';
import { TaskRunner } from './task-runner.js';
import { TasksController } from './tasks.controller.js';
import { TasksRepository } from './tasks.repository.js';
import { TasksService } from './tasks.service.js';

const BUILT_IN_PROCESSORS = [
  EchoProcessor,
  SleepProcessor,
  TextAnalyzeProcessor,
  CsvImportProcessor,
  BatchProcessor,
];

/** Tasks on every role: the worker runs their processors, the API serves them. */
@Module({
  imports: [DiscoveryModule, FilesModule, TenantLimitsModule],
  providers: [
    TasksRepository,
    TasksService,
    TaskCreator,
    ProcessorRegistry,
    TaskRunner,
    TaskEventsListener,
    ...BUILT_IN_PROCESSORS,
  ],
  exports: [TasksService, TaskCreator, TasksRepository, TaskEventsListener, ProcessorRegistry],
})
export class TasksModule {}

/** The tasks API, for API roles. */
@Module({
  imports: [TasksModule, FilesModule, TenantLimitsModule],
  controllers: [TasksController],
  providers: [ImportRowsService],
})
export class TasksApiModule {}
