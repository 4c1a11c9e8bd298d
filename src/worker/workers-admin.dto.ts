import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { ApiTimestamp } from '../http/openapi.js';
import {
  WORKER_KINDS,
  WORKER_STATUSES,
  type WorkerKind,
  type WorkerProcess,
  type WorkerRole,
  type WorkerStatus,
} from './worker-process.js';

export class ListWorkersQuery {
  @ApiPropertyOptional({ enum: WORKER_STATUSES, description: 'Only processes in this status.' })
  @IsOptional()
  @IsIn(WORKER_STATUSES)
  status?: WorkerStatus;
}

/** The OpenAPI schema of what GET /admin/workers answers. */
@ApiSchema({ name: 'WorkerProcess' })
export class WorkerProcessDto implements WorkerProcess {
  @ApiProperty({
    description: 'The worker id: the `leaseOwner` of the jobs it claims.',
    example: 'web-1:4242:a1b2c3',
  })
  id: string;

  @ApiProperty({
    enum: WORKER_KINDS,
    description:
      '`process`: a Taskyard process running the worker; `remote`: a remote worker (PUT /workers/{name}), ' +
      'whose id is `remote:<tenant>/<name>`, host its name, pid 0 and version empty.',
  })
  kind: WorkerKind;

  @ApiProperty({
    enum: WORKER_STATUSES,
    description:
      '`gone` once it stopped cleanly, or once it has not been heard from for WORKERS_GONE_AFTER_MS.',
  })
  status: WorkerStatus;

  @ApiProperty({
    enum: ['worker', 'all', 'remote'],
    description: 'Its ROLE; `remote` for a remote worker.',
  })
  role: WorkerRole | 'remote';

  @ApiProperty({ example: 'web-1' })
  host: string;

  @ApiProperty({ type: 'integer', example: 4242 })
  pid: number;

  @ApiProperty({ description: "Taskyard's version in that process.", example: '0.1.0' })
  version: string;

  @ApiTimestamp()
  startedAt: Date;

  @ApiProperty({ type: 'integer', description: 'Jobs it runs at once (WORKER_CONCURRENCY).' })
  concurrency: number;

  @ApiProperty({ type: 'integer', description: 'Jobs it was running at its last heartbeat.' })
  inFlight: number;

  @ApiProperty({
    type: [String],
    description: 'The job types it has handlers for: `task:<type>` for each task type.',
    example: ['task:csv.import', 'task:echo', 'taskyard.jobs.prune'],
  })
  types: string[];

  @ApiProperty({
    type: [String],
    description: 'The queues it takes jobs from (WORKER_QUEUES); empty: every queue.',
  })
  queues: string[];

  @ApiTimestamp({ description: 'Its last heartbeat (every WORKERS_HEARTBEAT_MS).' })
  lastSeenAt: Date;

  @ApiTimestamp({
    nullable: true,
    description:
      'When it stopped cleanly, or when its silence passed WORKERS_GONE_AFTER_MS; null while alive.',
  })
  goneAt: Date | null;

  @ApiProperty({
    type: String,
    nullable: true,
    description: "A remote worker's tenant; null for a process.",
  })
  tenant: string | null;
}
