import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { Equals, IsOptional, IsString, Length, Matches } from 'class-validator';
import { TENANT_PATTERN } from '../../auth/api-key.js';
import { ApiTimestamp } from '../../http/openapi.js';
import { QUEUE_NAME_PATTERN } from '../../jobs/admin.dto.js';
import type { FailureGroup, FailuresActed } from './failures.service.js';

/** The filters of the failures routes; every one given narrows. */
export class FailureFilterQuery {
  @ApiPropertyOptional({ minLength: 1, maxLength: 200, description: 'Only tasks of this type.' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  type?: string;

  @ApiPropertyOptional({
    pattern: QUEUE_NAME_PATTERN.source,
    description: 'Only tasks whose job is in this queue.',
  })
  @IsOptional()
  @Matches(QUEUE_NAME_PATTERN, { message: 'queue must match [A-Za-z0-9_.:-]{1,100}' })
  queue?: string;

  @ApiPropertyOptional({ pattern: TENANT_PATTERN.source, description: "Only this tenant's tasks." })
  @IsOptional()
  @Matches(TENANT_PATTERN, { message: `tenant must match ${TENANT_PATTERN.source}` })
  tenant?: string;
}

/** Which failed tasks to act on: a group's key, or `all: true` (an empty body selects nothing). */
export class FailureActionDto extends FailureFilterQuery {
  @ApiPropertyOptional({
    pattern: '^[0-9a-f]{32}$',
    description: 'The `key` of a group from GET /admin/failures.',
  })
  @IsOptional()
  @Matches(/^[0-9a-f]{32}$/, { message: 'key must be a group key from GET /admin/failures' })
  key?: string;

  @ApiPropertyOptional({
    enum: [true],
    description:
      'Without `key`: every failed task the filters select. Required then, so that an empty body never means all.',
  })
  @IsOptional()
  @Equals(true, { message: 'all must be true when given' })
  all?: true;
}

@ApiSchema({ name: 'FailureError' })
class FailureErrorDto {
  @ApiProperty({
    example: 'urn:taskyard:problem:task-failed',
    description: "The tasks' problem type.",
  })
  type: string;

  @ApiProperty({ example: 'Task failed' })
  title: string;

  @ApiProperty({
    example: 'row <n>: bad date',
    description: 'The detail with UUIDs shown as <uuid> and runs of digits as <n>.',
  })
  detail: string;
}

@ApiSchema({ name: 'FailureGroup' })
export class FailureGroupDto implements FailureGroup {
  @ApiProperty({
    pattern: '^[0-9a-f]{32}$',
    description: 'Opaque and stable: pass it to the retry and discard routes.',
  })
  key: string;

  @ApiProperty({ example: 'csv.import', description: 'The task type.' })
  type: string;

  @ApiProperty({ type: FailureErrorDto })
  error: FailureErrorDto;

  @ApiProperty({ type: 'integer' })
  count: number;

  @ApiTimestamp({ description: 'When the earliest of them failed.' })
  firstSeen: Date;

  @ApiTimestamp({ description: 'When the latest of them failed.' })
  lastSeen: Date;

  @ApiProperty({ format: 'uuid', description: 'The latest of them.' })
  sampleTaskId: string;
}

@ApiSchema({ name: 'FailureGroups' })
export class FailureGroupsDto {
  @ApiProperty({ type: [FailureGroupDto], description: 'Largest first.' })
  groups: FailureGroupDto[];
}

@ApiSchema({ name: 'FailuresActed' })
export class FailuresActedDto implements FailuresActed {
  @ApiProperty({ type: 'integer', description: 'Tasks this call retried or discarded.' })
  affected: number;

  @ApiProperty({
    type: 'integer',
    description:
      'Tasks the same call would still select (it acts on 1,000 at most): repeat while above 0.',
  })
  remaining: number;
}
