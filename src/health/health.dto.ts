import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';

/** One readiness check's outcome, as Terminus's indicators report it. */
@ApiSchema({ name: 'CheckResult' })
export class CheckResultDto {
  @ApiProperty({ enum: ['up', 'down'] })
  status: 'up' | 'down';

  @ApiPropertyOptional({ description: 'Why the check is down.' })
  message?: string;

  @ApiPropertyOptional({ description: 'How long the check took, in milliseconds.' })
  responseTime?: number;

  @ApiPropertyOptional({ description: 'storage: free bytes on the disk under DATA_DIR.' })
  freeBytes?: number;

  @ApiPropertyOptional({ description: 'worker: the NOTIFY listener is connected.' })
  listener?: boolean;

  @ApiPropertyOptional({ description: 'worker: milliseconds since the claim loop last turned.' })
  claimLoopAgoMs?: number;
}

/** Check results by name; `worker` only in worker roles. */
@ApiSchema({ name: 'Checks' })
export class ChecksDto {
  @ApiPropertyOptional({ type: CheckResultDto })
  database?: CheckResultDto;

  @ApiPropertyOptional({ type: CheckResultDto })
  storage?: CheckResultDto;

  @ApiPropertyOptional({ type: CheckResultDto })
  heap?: CheckResultDto;

  @ApiPropertyOptional({ type: CheckResultDto })
  worker?: CheckResultDto;
}

/** The body of GET /health/ready, the same with 200 and with 503. */
@ApiSchema({ name: 'Readiness' })
export class ReadinessDto {
  @ApiProperty({
    enum: ['ok', 'error', 'shutting_down'],
    description: 'ok (200); error: a check is down, or shutting_down (503).',
  })
  status: 'ok' | 'error' | 'shutting_down';

  @ApiProperty({ type: ChecksDto, description: 'The checks that are up.' })
  info: ChecksDto;

  @ApiProperty({ type: ChecksDto, description: 'The checks that are down.' })
  error: ChecksDto;

  @ApiProperty({ type: ChecksDto, description: 'Every check.' })
  details: ChecksDto;
}

@ApiSchema({ name: 'Liveness' })
export class LivenessDto {
  @ApiProperty({ enum: ['ok'] })
  status: 'ok';

  @ApiProperty({ type: 'integer', description: 'Seconds since the process started.' })
  uptimeSeconds: number;
}

/** One check of GET /health/queue: its figures beside their thresholds. */
@ApiSchema({ name: 'QueueCheckResult' })
export class QueueCheckResultDto {
  @ApiProperty({ enum: ['up', 'down'] })
  status: 'up' | 'down';

  @ApiPropertyOptional({ description: 'Why the check is down.' })
  message?: string;

  @ApiPropertyOptional({
    type: 'integer',
    description:
      'backlog: milliseconds the oldest runnable job (queued, due, queue not paused) ' +
      'has waited since it became due; 0 when none is runnable.',
  })
  oldestWaitMs?: number;

  @ApiPropertyOptional({ type: 'integer', description: 'backlog: HEALTH_QUEUE_MAX_WAIT_MS.' })
  maxWaitMs?: number;

  @ApiPropertyOptional({
    type: 'integer',
    description:
      'stuck: running jobs past their time limit, or whose lease ran out unreaped, ' +
      'by more than JOBS_LEASE_MS.',
  })
  stuck?: number;

  @ApiPropertyOptional({ type: 'integer', description: 'stuck: HEALTH_QUEUE_MAX_STUCK.' })
  maxStuck?: number;

  @ApiPropertyOptional({
    type: 'integer',
    description: 'workers: worker processes and remote workers alive.',
  })
  alive?: number;

  @ApiPropertyOptional({
    type: 'integer',
    description: 'workers: HEALTH_QUEUE_MIN_WORKERS, needed while a job is runnable.',
  })
  minWorkers?: number;

  @ApiPropertyOptional({
    type: 'integer',
    description:
      'workers: processes silent past WORKERS_GONE_AFTER_MS without a clean stop, ' +
      'within HEALTH_QUEUE_STALE_WORKER_WINDOW_MS.',
  })
  stale?: number;

  @ApiPropertyOptional({ type: 'integer', description: 'workers: HEALTH_QUEUE_MAX_STALE_WORKERS.' })
  maxStaleWorkers?: number;
}

/** GET /health/queue's checks by name. */
@ApiSchema({ name: 'QueueChecks' })
export class QueueChecksDto {
  @ApiPropertyOptional({ type: QueueCheckResultDto })
  backlog?: QueueCheckResultDto;

  @ApiPropertyOptional({ type: QueueCheckResultDto })
  stuck?: QueueCheckResultDto;

  @ApiPropertyOptional({ type: QueueCheckResultDto })
  workers?: QueueCheckResultDto;
}

/** The body of GET /health/queue, the same with 200 and with 503. */
@ApiSchema({ name: 'QueueHealth' })
export class QueueHealthDto {
  @ApiProperty({
    enum: ['ok', 'error', 'shutting_down'],
    description: 'ok (200); error: a check is past its threshold, or shutting_down (503).',
  })
  status: 'ok' | 'error' | 'shutting_down';

  @ApiProperty({ type: QueueChecksDto, description: 'The checks within their thresholds.' })
  info: QueueChecksDto;

  @ApiProperty({ type: QueueChecksDto, description: 'The checks past their thresholds.' })
  error: QueueChecksDto;

  @ApiProperty({ type: QueueChecksDto, description: 'Every check.' })
  details: QueueChecksDto;
}
