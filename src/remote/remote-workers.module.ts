import { Module } from '@nestjs/common';
import { FilesModule } from '../files/files.module.js';
import { TasksModule } from '../tasks/tasks.module.js';
import { JobsWakeup } from './jobs-wakeup.js';
import { RemoteTasksController } from './remote-tasks.controller.js';
import { RemoteWorkersController } from './remote-workers.controller.js';
import { RemoteWorkersService } from './remote-workers.service.js';

/** The HTTP protocol of remote workers (docs/remote-workers.md), for API roles. */
@Module({
  imports: [TasksModule, FilesModule],
  controllers: [RemoteWorkersController, RemoteTasksController],
  providers: [RemoteWorkersService, JobsWakeup],
})
export class RemoteWorkersModule {}
