import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { ApiTimestamp } from '../../http/openapi.js';
import type { StuckReason } from '../sql/stuck.sql.js';
import type { Activity, ActivityBucket, StuckJob } from './operations.service.js';

export const STUCK_REASONS: StuckReason[] = ['over_time_limit', 'lease_lapsing'];

export class ActivityQuery {
  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: 1440,
    default: 60,
    description: 'How many minutes back, the current one included.',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1440)
  minutes: number = 60;
}

@ApiSchema({ name: 'ActivityBucket' })
class ActivityBucketDto implements ActivityBucket {
  @ApiTimestamp({ description: "The minute's start." })
  at: Date;

  @ApiProperty({ type: 'integer', description: 'Jobs that ended succeeded in that minute.' })
  succeeded: number;

  @ApiProperty({
    type: 'integer',
    description: 'Jobs that ended failed (attempts used up) in that minute.',
  })
  failed: number;
}

@ApiSchema({ name: 'QueueActivity' })
class QueueActivityDto {
  @ApiProperty({ example: 'tasks' })
  queue: string;

  @ApiProperty({
    type: [ActivityBucketDto],
    description: 'One per minute of the window, oldest first; zeros where none finished.',
  })
  buckets: ActivityBucketDto[];
}

@ApiSchema({ name: 'Activity' })
export class ActivityDto implements Activity {
  @ApiTimestamp({ description: 'The start of the first bucket.' })
  from: Date;

  @ApiTimestamp({ description: 'Now, by the database clock: the last bucket is still filling.' })
  to: Date;

  @ApiProperty({ enum: [60] })
  bucketSeconds: 60;

  @ApiProperty({
    type: [QueueActivityDto],
    description: 'Each queue that finished a job in the window, by name.',
  })
  queues: QueueActivityDto[];
}

@ApiSchema({ name: 'StuckJob' })
export class StuckJobDto implements StuckJob {
  @ApiProperty({
    enum: STUCK_REASONS,
    description:
      '`over_time_limit`: running longer than its time limit. `lease_lapsing`: its lease has ' +
      'less than a third of JOBS_LEASE_MS left, or ran out and was not reaped yet (its worker ' +
      'renews every third of the lease, so it missed a renewal).',
  })
  reason: StuckReason;

  @ApiProperty({ type: String, nullable: true, format: 'uuid', description: 'The task it runs.' })
  taskId: string | null;

  @ApiProperty({ pattern: '^[1-9]\\d{0,18}$', example: '1042' })
  jobId: string;

  @ApiProperty({ example: 'task:csv.import' })
  type: string;

  @ApiProperty({ example: 'tasks' })
  queue: string;

  @ApiProperty({ type: String, nullable: true, description: 'The lease owner: a worker id.' })
  worker: string | null;

  @ApiTimestamp({ description: 'When the current attempt began.' })
  startedAt: Date;

  @ApiProperty({
    type: 'integer',
    description: "The job's timeout, else its handler's, else JOBS_DEFAULT_TIMEOUT_MS.",
  })
  timeLimitMs: number;

  @ApiTimestamp({ nullable: true })
  leaseExpiresAt: Date | null;
}
