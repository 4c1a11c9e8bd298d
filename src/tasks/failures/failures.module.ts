import { Module } from '@nestjs/common';
import { TasksModule } from '../tasks.module.js';
import { FailuresController } from './failures.controller.js';
import { FailuresRepository } from './failures.repository.js';
import { FailuresService } from './failures.service.js';

/** Failed tasks grouped by error, retried or discarded a group at a time (admin keys only). */
@Module({
  imports: [TasksModule],
  controllers: [FailuresController],
  providers: [FailuresRepository, FailuresService],
})
export class FailuresAdminModule {}
