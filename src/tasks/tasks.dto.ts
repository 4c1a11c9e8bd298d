import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayNotEmpty,
  IsDate,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Max,
  Min,
} from 'class-validator';
import { TASK_STATUSES, type TaskStatus } from './task.js';

/** The JSON body of POST /tasks (documentation: the body is checked against the type's processor). */
export class CreateTaskDto {
  @ApiPropertyOptional({ example: 'echo' })
  type: string;

  @ApiPropertyOptional({
    description: 'For payload types (echo, sleep).',
    example: { hello: 'world' },
  })
  payload?: unknown;

  @ApiPropertyOptional({
    description: 'Options of the type, e.g. csv.import delimiter and columns.',
  })
  options?: Record<string, unknown>;

  @ApiPropertyOptional({ description: 'A file uploaded before, for file types.' })
  fileId?: string;
}

export class ListTasksQuery {
  @ApiPropertyOptional({ description: 'Comma-separated statuses', example: 'queued,running' })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.split(',').filter(Boolean) : value,
  )
  @ArrayNotEmpty()
  @IsIn(TASK_STATUSES, { each: true })
  status?: TaskStatus[];

  @IsOptional()
  @IsString()
  @Length(1, 200)
  type?: string;

  @ApiPropertyOptional({ description: 'Created at or after this time (ISO 8601)' })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  createdAfter?: Date;

  @ApiPropertyOptional({ description: 'Created before this time (ISO 8601)' })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  createdBefore?: Date;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  cursor?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit: number = 20;
}

export class ListEventsQuery {
  @ApiPropertyOptional({ description: 'Events after this seq', default: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  after: number = 0;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit: number = 1000;
}
