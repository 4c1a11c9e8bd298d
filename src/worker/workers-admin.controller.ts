import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdminOnly } from '../auth/auth.decorators.js';
import { ApiKeyAuth, CachedOkResponse, ProblemResponses } from '../http/openapi.js';
import type { WorkerProcess } from './worker-process.js';
import { ListWorkersQuery, WorkerProcessDto } from './workers-admin.dto.js';
import { WorkersAdminService } from './workers-admin.service.js';

@ApiTags('admin')
@ApiKeyAuth()
@ProblemResponses(404, 422)
@AdminOnly()
@Controller('admin/workers')
export class WorkersAdminController {
  constructor(private readonly workers: WorkersAdminService) {}

  @Get()
  @ApiOperation({
    operationId: 'listWorkers',
    summary: 'The worker processes, alive or gone, newest first (admin)',
  })
  @CachedOkResponse({ type: [WorkerProcessDto] })
  list(@Query() { status }: ListWorkersQuery): Promise<WorkerProcess[]> {
    return this.workers.list(status);
  }
}
