import { Module } from '@nestjs/common';
import { FilesModule } from '../files/files.module.js';
import { TasksModule } from '../tasks/tasks.module.js';
import { TenantPurge } from './tenant-purge.js';
import { TenantPurgeController } from './tenant-purge.controller.js';

/** The job that deletes a tenant's data: registered on every role, run by workers. */
@Module({ imports: [TasksModule, FilesModule], providers: [TenantPurge] })
export class TenantPurgeModule {}

/** DELETE /admin/tenants/{tenant}, for API roles. */
@Module({ controllers: [TenantPurgeController] })
export class TenantPurgeApiModule {}
