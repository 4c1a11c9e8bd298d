import { Module } from '@nestjs/common';
import { WorkersAdminController } from './workers-admin.controller.js';
import { WorkersAdminService } from './workers-admin.service.js';

/** The registry of worker processes, read by admin keys (API roles; the writing is the worker's). */
@Module({
  controllers: [WorkersAdminController],
  providers: [WorkersAdminService],
})
export class WorkersAdminModule {}
