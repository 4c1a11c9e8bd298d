import { Module } from '@nestjs/common';
import { AdminController } from './admin.controller.js';
import { QueueAdminService } from './admin.service.js';

/** Admin routes for the queue (ADMIN_API_ENABLED until API keys exist). */
@Module({
  controllers: [AdminController],
  providers: [QueueAdminService],
})
export class JobsAdminModule {}
