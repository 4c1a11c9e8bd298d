import { Module } from '@nestjs/common';
import { AdminController } from './admin.controller.js';
import { QueueAdminService } from './admin.service.js';

/** Admin routes for the queue (admin API keys only). */
@Module({
  controllers: [AdminController],
  providers: [QueueAdminService],
})
export class JobsAdminModule {}
