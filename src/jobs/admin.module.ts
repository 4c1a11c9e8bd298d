import { Module } from '@nestjs/common';
import { AdminController } from './admin.controller.js';
import { QueueAdminService } from './admin.service.js';
import { OperationsController } from './operations/operations.controller.js';
import { OperationsService } from './operations/operations.service.js';

/** Admin routes for the queue and its operations views (admin API keys only). */
@Module({
  controllers: [AdminController, OperationsController],
  providers: [QueueAdminService, OperationsService],
})
export class JobsAdminModule {}
