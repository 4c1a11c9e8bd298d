import { Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ApiKeyAuth, CachedOkResponse, ProblemResponses } from '../http/openapi.js';
import { AdminOnly } from '../auth/auth.decorators.js';
import { ProblemException } from '../http/problem.js';
import { QueueAdminService, type QueueSummary } from './admin.service.js';
import type { Job } from './job.js';
import { JobsService } from './jobs.service.js';
import { JobDto, QueueNameParam, QueueSummaryDto } from './admin.dto.js';

/** `{id}` of a job: its number; anything else is 404, as an unknown one. */
const JobIdParam = (): MethodDecorator =>
  ApiParam({ name: 'id', description: 'The job id.', schema: { type: 'string', example: '1042' } });

@ApiTags('admin')
@ApiKeyAuth()
@ProblemResponses(404)
@AdminOnly()
@Controller('admin')
export class AdminController {
  constructor(
    private readonly admin: QueueAdminService,
    private readonly jobs: JobsService,
  ) {}

  @Get('queues')
  @ApiOperation({ operationId: 'listQueues', summary: 'Every queue with its job counts (admin)' })
  @CachedOkResponse({ type: [QueueSummaryDto] })
  queues(): Promise<QueueSummary[]> {
    return this.admin.queues();
  }

  @Post('queues/:name/pause')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'pauseQueue',
    summary: 'Stop claiming jobs of a queue; running ones finish (admin)',
  })
  @ApiOkResponse({ type: QueueSummaryDto, description: 'The queue, paused.' })
  @ProblemResponses(422)
  async pause(@Param() { name }: QueueNameParam): Promise<QueueSummary> {
    return this.admin.setPaused(name, true);
  }

  @Post('queues/:name/resume')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'resumeQueue',
    summary: 'Claim jobs of a paused queue again (admin)',
  })
  @ApiOkResponse({ type: QueueSummaryDto, description: 'The queue, running.' })
  @ProblemResponses(422)
  async resume(@Param() { name }: QueueNameParam): Promise<QueueSummary> {
    return this.admin.setPaused(name, false);
  }

  @Get('jobs/:id')
  @JobIdParam()
  @ApiOperation({ operationId: 'getJob', summary: 'A job of the queue (admin)' })
  @CachedOkResponse({ type: JobDto })
  async job(@Param('id') id: string): Promise<Job> {
    return (await this.jobs.get(id)) ?? notFound(id);
  }

  @Post('jobs/:id/retry')
  @HttpCode(200)
  @JobIdParam()
  @ApiOperation({
    operationId: 'retryJob',
    summary: 'Queue a failed or cancelled job again (admin)',
  })
  @ApiOkResponse({ type: JobDto })
  @ProblemResponses(409)
  async retry(@Param('id') id: string): Promise<Job> {
    const job = await this.jobs.retry(id);
    if (job) return job;
    const existing = await this.jobs.get(id);
    if (!existing) return notFound(id);
    throw new ProblemException({
      status: 409,
      detail: `Job ${id} is ${existing.status}; only failed or cancelled jobs can be retried`,
    });
  }

  @Post('jobs/:id/cancel')
  @HttpCode(200)
  @JobIdParam()
  @ApiOperation({
    operationId: 'cancelJob',
    summary: 'Cancel a job: a queued one at once, a running one when its handler stops (admin)',
  })
  @ApiOkResponse({ type: JobDto, description: 'The job; unchanged if it had already ended.' })
  async cancel(@Param('id') id: string): Promise<Job> {
    return (await this.jobs.cancel(id)) ?? notFound(id);
  }
}

function notFound(id: string): never {
  throw new ProblemException({ status: 404, detail: `There is no job ${id}` });
}
