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
import { validationProblem } from '../http/validation.js';
import { TASK_STATUSES, type TaskStatus } from './task.js';
import { type TaskSpec, unknownSpecFields } from './task-spec.js';

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

/** A JSON body of POST /tasks as a spec: an object without unknown fields. */
export function specFromJson(body: unknown): TaskSpec {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw validationProblem([], 'The body must be a JSON object with at least "type".');
  }
  const unknown = unknownSpecFields(body);
  if (unknown.length > 0) {
    throw validationProblem(
      unknown.map((field) => ({ field, messages: [`property ${field} should not exist`] })),
    );
  }
  return body;
}

const FORM_FIELDS = new Set(['type', 'options']);

/** The text fields of a multipart POST /tasks as a spec: `type`, and `options` as JSON text. */
export function specFromForm(fields: Record<string, string>): TaskSpec {
  const unknown = Object.keys(fields).filter((key) => !FORM_FIELDS.has(key));
  if (unknown.length > 0) {
    throw validationProblem(
      unknown.map((field) => ({ field, messages: [`form field ${field} should not exist`] })),
    );
  }
  let options: unknown;
  if (fields.options !== undefined && fields.options.trim() !== '') {
    try {
      options = JSON.parse(fields.options);
    } catch {
      throw validationProblem([{ field: 'options', messages: ['options must be JSON text'] }]);
    }
  }
  return { type: fields.type, options };
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
