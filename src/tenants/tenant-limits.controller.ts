import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiKeyAuth, CachedOkResponse, ProblemResponses } from '../http/openapi.js';
import { AdminOnly } from '../auth/auth.decorators.js';
import { TenantLimitsDto, TenantLimitsViewDto, TenantParam } from './tenant-limits.dto.js';
import { TenantLimitsService, type TenantLimitsView } from './tenant-limits.service.js';

@ApiTags('admin')
@ApiKeyAuth()
@ProblemResponses(404, 422)
@AdminOnly()
@Controller('admin/tenants')
export class TenantLimitsController {
  constructor(private readonly limits: TenantLimitsService) {}

  /** The limits in force, the tenant's own overrides, and what it uses now. */
  @Get(':tenant/limits')
  @ApiOperation({ operationId: 'getTenantLimits', summary: "A tenant's limits and usage (admin)" })
  @CachedOkResponse({ type: TenantLimitsViewDto })
  get(@Param() { tenant }: TenantParam): Promise<TenantLimitsView> {
    return this.limits.view(tenant);
  }

  /** Replaces the tenant's overrides: a field left out or null goes back to the default. */
  @Put(':tenant/limits')
  @ApiOperation({ operationId: 'setTenantLimits', summary: "Replace a tenant's limits (admin)" })
  @ApiOkResponse({ type: TenantLimitsViewDto, description: 'The limits now in force.' })
  put(@Param() { tenant }: TenantParam, @Body() body: TenantLimitsDto): Promise<TenantLimitsView> {
    return this.limits.set(tenant, {
      maxRunningTasks: body.maxRunningTasks ?? null,
      maxQueuedTasks: body.maxQueuedTasks ?? null,
      maxStoredBytes: body.maxStoredBytes ?? null,
      taskRetentionHours: body.taskRetentionHours ?? null,
      fileRetentionHours: body.fileRetentionHours ?? null,
    });
  }
}
