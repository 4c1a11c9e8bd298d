import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import {
  Allow,
  IsBoolean,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
} from 'class-validator';
import { ApiAnyValue, ApiTimestamp } from '../http/openapi.js';
import type { ScheduleView } from './schedules.service.js';

@ApiSchema({ name: 'CreateSchedule' })
export class CreateScheduleDto {
  @ApiProperty({ example: 'csv.import', description: 'The task type, as for POST /tasks.' })
  @IsString()
  @MaxLength(200)
  type: string;

  @ApiAnyValue({ required: false, description: 'For payload types: the payload of each task.' })
  @Allow()
  payload?: unknown;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'Options of the type, checked against its schema (GET /task-types).',
  })
  @IsOptional()
  @IsObject()
  options?: Record<string, unknown>;

  @ApiPropertyOptional({ format: 'uuid', description: 'For file types: the input of each task.' })
  @IsOptional()
  @IsUUID()
  fileId?: string;

  @ApiProperty({
    example: '0 6 * * 1-5',
    description:
      'Cron: 5 fields (minute hour day month weekday), or 6 with seconds first; runs at least ' +
      'SCHEDULES_MIN_INTERVAL_S apart.',
  })
  @IsString()
  @MaxLength(200)
  cron: string;

  @ApiPropertyOptional({
    default: 'UTC',
    example: 'Europe/Berlin',
    description: 'The IANA time zone the expression is read in.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  timezone?: string;

  @ApiPropertyOptional({ default: false, description: 'Created paused: no runs until resumed.' })
  @IsOptional()
  @IsBoolean()
  paused?: boolean;
}

@ApiSchema({ name: 'Schedule' })
export class ScheduleDto implements ScheduleView {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'acme' })
  tenant: string;

  @ApiProperty({ example: 'csv.import' })
  type: string;

  @ApiAnyValue({ nullable: true })
  payload: unknown;

  @ApiProperty({ type: 'object', additionalProperties: true })
  options: Record<string, unknown>;

  @ApiProperty({ format: 'uuid', nullable: true, type: String })
  fileId: string | null;

  @ApiProperty({ example: '0 6 * * 1-5' })
  cron: string;

  @ApiProperty({ example: 'Europe/Berlin' })
  timezone: string;

  @ApiProperty()
  paused: boolean;

  @ApiProperty({
    type: String,
    format: 'date-time',
    isArray: true,
    description: 'The next five runs; none while paused.',
  })
  nextRuns: string[];

  @ApiTimestamp({ nullable: true, description: 'The tick the last task was made for.' })
  lastRunAt: Date | null;

  @ApiProperty({ format: 'uuid', nullable: true, type: String })
  lastTaskId: string | null;

  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Why the last tick made no task (e.g. the queued-tasks limit).',
  })
  lastError: string | null;

  @ApiTimestamp()
  createdAt: Date;
}
