import { Module } from '@nestjs/common';
import { TenantLimitsController } from './tenant-limits.controller.js';
import { TenantLimitsRepository } from './tenant-limits.repository.js';
import { TenantLimitsService } from './tenant-limits.service.js';

/** Per-tenant limits, for every role: tasks and files check them, the worker's batches too. */
@Module({
  providers: [TenantLimitsRepository, TenantLimitsService],
  exports: [TenantLimitsService],
})
export class TenantLimitsModule {}

/** The admin routes of tenant limits, for API roles. */
@Module({ imports: [TenantLimitsModule], controllers: [TenantLimitsController] })
export class TenantLimitsApiModule {}
