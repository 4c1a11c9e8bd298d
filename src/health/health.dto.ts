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
