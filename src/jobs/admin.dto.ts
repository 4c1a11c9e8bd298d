import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { Matches } from 'class-validator';
import { ApiAnyValue, ApiTimestamp } from '../http/openapi.js';
import type { QueueSummary } from './admin.service.js';
import { JOB_STATUSES, type Job, type JobStatus } from './job.js';

/** What a queue may be named. */
export const QUEUE_NAME_PATTERN = /^[\w.:-]{1,100}$/;

export class QueueNameParam {
  @ApiProperty({ pattern: QUEUE_NAME_PATTERN.source, example: 'tasks' })
  @Matches(QUEUE_NAME_PATTERN, { message: 'name must match [A-Za-z0-9_.:-]{1,100}' })
  name: string;
}

/** The OpenAPI schemas of what the admin queue routes answer. */

@ApiSchema({ name: 'JobCounts' })
export class JobCountsDto implements Record<JobStatus, number> {
  @ApiProperty({ type: 'integer' })
  queued: number;

  @ApiProperty({ type: 'integer' })
  running: number;

  @ApiProperty({ type: 'integer' })
  succeeded: number;

  @ApiProperty({ type: 'integer' })
  failed: number;

  @ApiProperty({ type: 'integer' })
  cancelled: number;
}

@ApiSchema({ name: 'Queue' })
export class QueueSummaryDto implements QueueSummary {
  @ApiProperty({ example: 'tasks' })
  name: string;

  @ApiProperty()
  paused: boolean;

  @ApiProperty({ type: JobCountsDto, description: 'Jobs of the queue by status.' })
  counts: JobCountsDto;

  @ApiProperty({ type: 'integer' })
  running: number;

  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'Seconds the oldest job that could run has waited; null when none is waiting.',
  })
  oldestQueuedAgeSeconds: number | null;
}

@ApiSchema({ name: 'Job' })
export class JobDto implements Job {
  @ApiProperty({ pattern: '^[1-9]\\d{0,18}$', example: '1042' })
  id: string;

  @ApiProperty({ example: 'tasks' })
  queue: string;

  @ApiProperty({ example: 'task:csv.import' })
  type: string;

  @ApiAnyValue()
  payload: unknown;

  @ApiProperty({ enum: JOB_STATUSES })
  status: JobStatus;

  @ApiProperty({ type: 'integer' })
  priority: number;

  @ApiTimestamp()
  runAt: Date;

  @ApiProperty({ type: 'integer' })
  attempts: number;

  @ApiProperty({ type: 'integer' })
  maxAttempts: number;

  @ApiProperty({ type: 'integer', nullable: true })
  timeoutMs: number | null;

  @ApiProperty({ type: String, nullable: true })
  idempotencyKey: string | null;

  @ApiProperty({ type: String, nullable: true })
  concurrencyKey: string | null;

  @ApiProperty({ type: String, nullable: true })
  groupKey: string | null;

  @ApiProperty({ type: String, nullable: true })
  leaseOwner: string | null;

  @ApiTimestamp({ nullable: true })
  leaseExpiresAt: Date | null;

  @ApiTimestamp({ nullable: true })
  cancelRequestedAt: Date | null;

  @ApiProperty({ type: String, nullable: true })
  lastError: string | null;

  @ApiAnyValue()
  result: unknown;

  @ApiAnyValue()
  progress: unknown;

  @ApiTimestamp()
  createdAt: Date;

  @ApiTimestamp({ nullable: true })
  startedAt: Date | null;

  @ApiTimestamp({ nullable: true })
  finishedAt: Date | null;
}
