import {
  ApiProperty,
  ApiPropertyOptional,
  type ApiPropertyOptions,
  ApiSchema,
} from '@nestjs/swagger';
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
import { ApiAnyValue } from '../http/openapi.js';
import { validationProblem } from '../http/validation.js';
import { CALLBACK_URL_MAX_LENGTH } from '../webhooks/hook-url.js';
import { TASK_STATUSES, type TaskStatus } from './task.js';
import { CONCURRENCY_KEY_PATTERN, type TaskSpec, unknownSpecFields } from './task-spec.js';

const CONCURRENCY_KEY_DOC = {
  pattern: CONCURRENCY_KEY_PATTERN.source,
  description:
    'Never two running tasks of your tenant with this key at once: a task whose key a running ' +
    'task holds waits (its `waiting` says `concurrency_key` and names that task).',
  example: 'customer-42',
};

const CALLBACK_URL_DOC = {
  format: 'uri',
  maxLength: CALLBACK_URL_MAX_LENGTH,
  description:
    "An absolute http(s) URL, without user info, that the task's terminal events " +
    '(task.succeeded, task.failed, task.cancelled) are POSTed to, signed with the secret of ' +
    'GET /webhooks/default/secret.',
  example: 'https://example.com/hooks/task-done',
};

/** The JSON body of POST /tasks (documentation: the body is checked against the type's processor). */
@ApiSchema({ name: 'CreateTask' })
export class CreateTaskDto {
  @ApiProperty({
    description: 'The task type: echo, sleep, csv.import, text.analyze, …',
    example: 'echo',
  })
  type: string;

  @ApiAnyValue({
    required: false,
    description: 'For payload types (echo, sleep): any JSON value the type takes.',
    example: { hello: 'world' },
  })
  payload?: unknown;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description:
      "Options of the type, e.g. csv.import delimiter and columns. Each type's options are " +
      'checked against its JSON Schema, listed by GET /api/v1/task-types for built-in types and ' +
      'for those remote workers registered (this document is built at start-up; that list is live).',
  })
  options?: Record<string, unknown>;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'For file types: a file uploaded before with POST /files.',
  })
  fileId?: string;

  @ApiPropertyOptional(CONCURRENCY_KEY_DOC)
  concurrencyKey?: string;

  @ApiPropertyOptional(CALLBACK_URL_DOC)
  callbackUrl?: string;
}

/** The multipart/form-data body of POST /tasks: the file travels with the task. */
@ApiSchema({ name: 'CreateTaskForm' })
export class CreateTaskFormDto {
  @ApiProperty({
    type: 'string',
    format: 'binary',
    description:
      "The input file, of a media type the task type reads (the part's Content-Type; the " +
      "file name's extension where that says only application/octet-stream).",
  })
  file: unknown;

  @ApiProperty({ example: 'csv.import' })
  type: string;

  @ApiPropertyOptional({
    description: "The type's options as JSON text.",
    example: '{"delimiter":";"}',
  })
  options?: string;

  @ApiPropertyOptional(CONCURRENCY_KEY_DOC)
  concurrencyKey?: string;

  @ApiPropertyOptional(CALLBACK_URL_DOC)
  callbackUrl?: string;
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

const FORM_FIELDS = new Set(['type', 'options', 'concurrencyKey', 'callbackUrl']);

/**
 * The text fields of a multipart POST /tasks as a spec: `type`, `options` as JSON text,
 * `concurrencyKey` and `callbackUrl`.
 */
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
  const { type, concurrencyKey, callbackUrl } = fields;
  return { type, options, concurrencyKey, callbackUrl };
}

export class ListTasksQuery {
  @ApiPropertyOptional({
    enum: TASK_STATUSES,
    isArray: true,
    style: 'form',
    explode: false,
    description: 'Only tasks in these statuses, comma-separated.',
    example: ['queued', 'running'],
    // Parameter keywords Nest passes through: `status=queued,running`.
  } as ApiPropertyOptions)
  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.split(',').filter(Boolean) : value,
  )
  @ArrayNotEmpty()
  @IsIn(TASK_STATUSES, { each: true })
  status?: TaskStatus[];

  @ApiPropertyOptional({ minLength: 1, maxLength: 200, description: 'Only tasks of this type.' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  type?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Created at or after this time.' })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  createdAfter?: Date;

  @ApiPropertyOptional({ format: 'date-time', description: 'Created before this time.' })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  createdBefore?: Date;

  @ApiPropertyOptional({
    minLength: 1,
    maxLength: 200,
    description: 'The `nextCursor` of the previous page; none for the first.',
  })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  cursor?: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 100, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit: number = 20;
}

export class GetTaskQuery {
  @ApiPropertyOptional({
    enum: ['finished'],
    description:
      'With Prefer: wait=N, `finished` answers once the task has finished (or after N seconds), ' +
      'not at its first change: one request for a task’s outcome.',
  })
  @IsOptional()
  @IsIn(['finished'])
  until?: 'finished';
}

export class ListEventsQuery {
  @ApiPropertyOptional({
    type: 'integer',
    minimum: 0,
    default: 0,
    description: 'Only events after this seq.',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  after: number = 0;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 1000, default: 1000 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit: number = 1000;
}
