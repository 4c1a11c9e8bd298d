import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { TENANT_PATTERN } from '../auth/api-key.js';
import type { TenantLimitOverrides } from './tenant-limits.repository.js';
import type { TenantLimitsView } from './tenant-limits.service.js';

export class TenantParam {
  @ApiProperty({ pattern: TENANT_PATTERN.source, example: 'acme' })
  @Matches(TENANT_PATTERN, {
    message:
      'tenant must be 1 to 63 lowercase letters, digits, "_" or "-", starting with a letter or digit',
  })
  tenant: string;
}

/** A century: more is "keep", which 0 says. */
const MAX_RETENTION_HOURS = 876_000;

function retentionInput(what: string) {
  return {
    required: false,
    nullable: true,
    type: 'integer',
    minimum: 0,
    maximum: MAX_RETENTION_HOURS,
    description: `hours ${what}`,
  } as const;
}

/** A tenant's own limits; a field left out or null takes the setting's default. */
@ApiSchema({ name: 'TenantLimitsInput' })
export class TenantLimitsDto {
  @ApiProperty({
    required: false,
    nullable: true,
    type: 'integer',
    minimum: 1,
    maximum: 1_000_000,
    description:
      'running tasks, across all workers (default TASKS_TENANT_MAX_RUNNING); applies to tasks created from then on',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  maxRunningTasks?: number | null;

  @ApiProperty({
    required: false,
    nullable: true,
    type: 'integer',
    minimum: 0,
    maximum: 2_147_483_647,
    description: 'queued tasks; 0: no limit (default TASKS_TENANT_MAX_QUEUED)',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(2_147_483_647)
  maxQueuedTasks?: number | null;

  @ApiProperty({
    required: false,
    nullable: true,
    type: 'integer',
    minimum: 0,
    maximum: Number.MAX_SAFE_INTEGER,
    description: 'bytes of files; 0: no limit (default FILES_TENANT_MAX_BYTES)',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  maxStoredBytes?: number | null;

  @ApiProperty(
    retentionInput(
      'finished tasks are kept, with their events, artifacts and import tables; 0: kept for good (default TASKS_RETENTION_HOURS)',
    ),
  )
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_RETENTION_HOURS)
  taskRetentionHours?: number | null;

  @ApiProperty(
    retentionInput(
      'uploaded files no task refers to are kept; 0: kept for good (default FILES_RETENTION_HOURS)',
    ),
  )
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_RETENTION_HOURS)
  fileRetentionHours?: number | null;
}

@ApiSchema({ name: 'TenantLimitOverrides' })
export class TenantLimitOverridesDto implements TenantLimitOverrides {
  @ApiProperty({ type: 'integer', nullable: true })
  maxRunningTasks: number | null;

  @ApiProperty({ type: 'integer', nullable: true })
  maxQueuedTasks: number | null;

  @ApiProperty({ type: 'integer', nullable: true })
  maxStoredBytes: number | null;

  @ApiProperty({ type: 'integer', nullable: true })
  taskRetentionHours: number | null;

  @ApiProperty({ type: 'integer', nullable: true })
  fileRetentionHours: number | null;
}

@ApiSchema({ name: 'TenantUsage' })
export class TenantUsageDto {
  @ApiProperty({ type: 'integer' })
  queuedTasks: number;

  @ApiProperty({ type: 'integer', description: 'Bytes of files, inputs and artifacts.' })
  storedBytes: number;
}

/** The limits in force (0: no limit), the tenant's own overrides (null: the default), its usage. */
@ApiSchema({ name: 'TenantLimits' })
export class TenantLimitsViewDto implements TenantLimitsView {
  @ApiProperty({ example: 'acme' })
  tenant: string;

  @ApiProperty({ type: 'integer' })
  maxRunningTasks: number;

  @ApiProperty({ type: 'integer', description: '0: no limit.' })
  maxQueuedTasks: number;

  @ApiProperty({ type: 'integer', description: '0: no limit.' })
  maxStoredBytes: number;

  @ApiProperty({ type: 'integer', description: 'Hours a finished task is kept; 0: kept.' })
  taskRetentionHours: number;

  @ApiProperty({
    type: 'integer',
    description: 'Hours an uploaded file no task refers to is kept; 0: kept.',
  })
  fileRetentionHours: number;

  @ApiProperty({ type: TenantLimitOverridesDto })
  overrides: TenantLimitOverridesDto;

  @ApiProperty({ type: TenantUsageDto })
  usage: TenantUsageDto;
}
