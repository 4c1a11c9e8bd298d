import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { FilesModule } from '../files/files.module.js';
import { TenantLimitsModule } from '../tenants/tenant-limits.module.js';
import { DataRetention } from './data-retention.js';
import { ImportRowsService } from './import-rows.service.js';
import { ProcessorRegistry } from './processor-registry.js';
import { TaskTypeCatalog } from './remote-task-types.js';
import { TaskCreator } from './task-creator.js';
import { TaskEventsListener } from './task-events.listener.js';
import { TaskRunner } from './task-runner.js';
import { TaskTypesController } from './task-types.controller.js';
import { TasksController } from './tasks.controller.js';
import { TasksRepository } from './tasks.repository.js';
import { TasksService } from './tasks.service.js';

/**
 * Tasks on every role: the worker runs their processors, the API serves them. Processors are
 * providers of any module (BuiltInProcessorsModule, a host application's own), found by discovery.
 */
@Module({
  imports: [DiscoveryModule, FilesModule, TenantLimitsModule],
  providers: [
    TasksRepository,
    TasksService,
    TaskCreator,
    ProcessorRegistry,
    TaskTypeCatalog,
    TaskRunner,
    TaskEventsListener,
    DataRetention,
  ],
  exports: [
    TasksService,
    TaskCreator,
    TasksRepository,
    TaskEventsListener,
    ProcessorRegistry,
    TaskTypeCatalog,
    DataRetention,
  ],
})
export class TasksModule {}

/** The tasks API, for API roles. */
@Module({
  imports: [TasksModule, FilesModule, TenantLimitsModule],
  controllers: [TasksController, TaskTypesController],
  providers: [ImportRowsService],
})
export class TasksApiModule {}
