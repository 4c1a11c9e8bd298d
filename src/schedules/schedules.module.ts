import { Module } from '@nestjs/common';
import { TasksModule } from '../tasks/tasks.module.js';
import { ScheduleTicker } from './schedule-ticker.js';
import { SchedulesController } from './schedules.controller.js';
import { SchedulesRepository } from './schedules.repository.js';
import { SchedulesService } from './schedules.service.js';

/** The ticker that creates the due schedules' tasks, for worker roles. */
@Module({ imports: [TasksModule], providers: [ScheduleTicker], exports: [ScheduleTicker] })
export class SchedulesWorkerModule {}

/** /api/v1/schedules, for API roles. */
@Module({
  imports: [TasksModule],
  providers: [SchedulesRepository, SchedulesService],
  controllers: [SchedulesController],
})
export class SchedulesApiModule {}
