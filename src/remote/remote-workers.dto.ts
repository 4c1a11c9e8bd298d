import type { PipeTransform } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  Allow,
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { ApiAnyValue, ApiTimestamp } from '../http/openapi.js';
import { ProblemException } from '../http/problem.js';
import type { JsonSchema } from '../tasks/options-schema.js';
import type { RemoteTaskType } from '../tasks/remote-task-types.js';
import type { ClaimedTaskView, RemoteWorkerView } from './remote-workers.service.js';

/** Worker names: what a remote worker registers under, within its tenant. */
export const WORKER_NAME_PATTERN = /^[a-z0-9][a-z0-9._-]{0,62}$/;
/** Remote task type names: as built-in ones (`csv.import`). */
export const REMOTE_TYPE_PATTERN = /^[a-z0-9][a-z0-9._-]{0,99}$/;

/** `{name}` beside other path params: a name that cannot be registered names no worker (404). */
export class WorkerNamePipe implements PipeTransform<string, string> {
  transform(name: string): string {
    if (WORKER_NAME_PATTERN.test(name)) return name;
    throw new ProblemException({ status: 404, detail: `There is no remote worker named ${name}.` });
  }
}

export class WorkerNameParam {
  @ApiProperty({ pattern: WORKER_NAME_PATTERN.source, example: 'gpu-box-1' })
  @Matches(WORKER_NAME_PATTERN, { message: 'name must match ' + WORKER_NAME_PATTERN.source })
  name: string;
}

@ApiSchema({ name: 'RemoteTaskType' })
export class RemoteTaskTypeDto implements RemoteTaskType {
  @ApiProperty({ pattern: REMOTE_TYPE_PATTERN.source, example: 'image.resize' })
  @Matches(REMOTE_TYPE_PATTERN, { message: 'type must match ' + REMOTE_TYPE_PATTERN.source })
  type: string;

  @ApiProperty({ enum: ['payload', 'file'], description: 'What a task of this type works on.' })
  @IsIn(['payload', 'file'])
  input: 'payload' | 'file';

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description:
      'The JSON Schema of its options; POST /tasks checks options against it (ajv). Without one, ' +
      'options must be empty.',
    example: { type: 'object', properties: { width: { type: 'integer', minimum: 1 } } },
  })
  @IsOptional()
  @IsObject()
  options?: JsonSchema;

  @ApiPropertyOptional({
    type: [String],
    description: 'File input: the media types it takes; any when absent.',
  })
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  @ArrayMaxSize(100)
  mediaTypes?: string[];

  @ApiProperty({
    type: 'integer',
    minimum: 1,
    maximum: 1000,
    default: 1,
    required: false,
    description: 'Tasks of this type the worker holds at once; claims stop at it.',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1000)
  concurrency: number = 1;
}

export class RegisterWorkerBody {
  @ApiProperty({ type: [RemoteTaskTypeDto], description: 'Replaces what was registered before.' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => RemoteTaskTypeDto)
  types: RemoteTaskTypeDto[];
}

@ApiSchema({ name: 'RemoteWorker' })
export class RemoteWorkerDto implements RemoteWorkerView {
  @ApiProperty({ example: 'gpu-box-1' })
  name: string;

  @ApiProperty({ example: 'acme' })
  tenant: string;

  @ApiProperty({ type: [RemoteTaskTypeDto] })
  types: RemoteTaskTypeDto[];

  @ApiTimestamp()
  registeredAt: Date;

  @ApiTimestamp({ description: 'Its last register, claim or heartbeat.' })
  lastSeenAt: Date;
}

export class ClaimBody {
  @ApiPropertyOptional({
    type: [String],
    description: 'Types to claim; all it registered when absent.',
  })
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  @ArrayMaxSize(100)
  types?: string[];

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 100, default: 1 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100)
  max?: number;
}

@ApiSchema({ name: 'ClaimedTaskInput' })
export class ClaimedTaskInputDto {
  @ApiProperty({ example: '/api/v1/workers/gpu-box-1/tasks/0b8e…/input' })
  url: string;

  @ApiProperty({ type: String, nullable: true })
  name: string | null;

  @ApiProperty({ type: 'integer' })
  size: number;

  @ApiProperty({ example: 'image/png' })
  mediaType: string;
}

@ApiSchema({ name: 'ClaimedTask' })
export class ClaimedTaskDto implements ClaimedTaskView {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'image.resize' })
  type: string;

  @ApiProperty()
  tenant: string;

  @ApiProperty({ type: 'integer', description: '1 on the first run.' })
  attempt: number;

  @ApiProperty({ description: 'Send it with every report on this task (fencing token).' })
  leaseToken: string;

  @ApiTimestamp({ description: 'Heartbeat before then, or lose the task to the reaper.' })
  leaseExpiresAt: Date;

  @ApiAnyValue()
  payload: unknown;

  @ApiProperty({ type: 'object', additionalProperties: true })
  options: unknown;

  @ApiProperty({ type: ClaimedTaskInputDto, nullable: true })
  input: ClaimedTaskInputDto | null;
}

@ApiSchema({ name: 'ClaimResult' })
export class ClaimResultDto {
  @ApiProperty({ type: [ClaimedTaskDto], description: 'Empty when the wait ended with nothing.' })
  tasks: ClaimedTaskDto[];
}

export class LeaseBody {
  @ApiPropertyOptional({ description: 'The lease token of the claim (or the Lease-Token header).' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  leaseToken?: string;
}

@ApiSchema({ name: 'Heartbeat' })
export class HeartbeatDto {
  @ApiTimestamp()
  leaseExpiresAt: Date;

  @ApiProperty({ description: 'True once the task was asked to cancel: stop, then fail it.' })
  cancelRequested: boolean;
}

export class ProgressBody extends LeaseBody {
  @ApiPropertyOptional({ minimum: 0, maximum: 100 })
  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(100)
  percent?: number;

  @ApiPropertyOptional({ maxLength: 1000 })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  message?: string;
}

export class PartialBody extends LeaseBody {
  @ApiAnyValue({ description: 'Any JSON: the partial result, shown on the task.' })
  @Allow()
  data: unknown;
}

export class CompleteBody extends LeaseBody {
  @ApiAnyValue({ required: false, description: "The task's result (any JSON)." })
  @Allow()
  result?: unknown;
}

export class RemoteErrorBody {
  @ApiProperty({ maxLength: 4000 })
  @IsString()
  @Length(1, 4000)
  message: string;

  @ApiPropertyOptional({ maxLength: 200, example: 'OutOfMemory' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  code?: string;
}

export class FailBody extends LeaseBody {
  @ApiProperty({ type: RemoteErrorBody })
  @ValidateNested()
  @Type(() => RemoteErrorBody)
  error: RemoteErrorBody;

  @ApiPropertyOptional({
    default: true,
    description: 'Queued again while attempts are left; false: failed at once.',
  })
  @IsOptional()
  @IsBoolean()
  retryable?: boolean;
}

@ApiSchema({ name: 'StoredArtifact' })
export class StoredArtifactDto {
  @ApiProperty()
  name: string;

  @ApiProperty({ type: 'integer' })
  size: number;

  @ApiProperty()
  mediaType: string;
}
