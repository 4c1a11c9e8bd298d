import { ApiProperty } from '@nestjs/swagger';
import { IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { TENANT_PATTERN } from '../auth/api-key.js';

export class TenantParam {
  @Matches(TENANT_PATTERN, {
    message:
      'tenant must be 1 to 63 lowercase letters, digits, "_" or "-", starting with a letter or digit',
  })
  tenant: string;
}

/** A tenant's own limits; a field left out or null takes the setting's default. */
export class TenantLimitsDto {
  @ApiProperty({
    required: false,
    nullable: true,
    minimum: 1,
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
    minimum: 0,
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
    minimum: 0,
    description: 'bytes of files; 0: no limit (default FILES_TENANT_MAX_BYTES)',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  maxStoredBytes?: number | null;
}
