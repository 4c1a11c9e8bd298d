import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AdminOnly } from '../auth/auth.decorators.js';
import { TenantLimitsDto, TenantParam } from './tenant-limits.dto.js';
import { TenantLimitsService, type TenantLimitsView } from './tenant-limits.service.js';

@ApiTags('admin')
@ApiBearerAuth()
@AdminOnly()
@Controller('admin/tenants')
export class TenantLimitsController {
  constructor(private readonly limits: TenantLimitsService) {}

  /** The limits in force, the tenant's own overrides, and what it uses now. */
  @Get(':tenant/limits')
  get(@Param() { tenant }: TenantParam): Promise<TenantLimitsView> {
    return this.limits.view(tenant);
  }

  /** Replaces the tenant's overrides: a field left out or null goes back to the default. */
  @Put(':tenant/limits')
  put(@Param() { tenant }: TenantParam, @Body() body: TenantLimitsDto): Promise<TenantLimitsView> {
    return this.limits.set(tenant, {
      maxRunningTasks: body.maxRunningTasks ?? null,
      maxQueuedTasks: body.maxQueuedTasks ?? null,
      maxStoredBytes: body.maxStoredBytes ?? null,
    });
  }
}
