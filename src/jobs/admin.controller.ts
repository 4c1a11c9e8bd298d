import { Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AdminOnly } from '../auth/auth.decorators.js';
import { ProblemException } from '../http/problem.js';
import { QueueAdminService, type QueueSummary } from './admin.service.js';
import type { Job } from './job.js';
import { JobsService } from './jobs.service.js';
import { QueueNameParam } from './admin.dto.js';

@ApiTags('admin')
@ApiBearerAuth()
@AdminOnly()
@Controller('admin')
export class AdminController {
  constructor(
    private readonly admin: QueueAdminService,
    private readonly jobs: JobsService,
  ) {}

  @Get('queues')
  queues(): Promise<QueueSummary[]> {
    return this.admin.queues();
  }

  @Post('queues/:name/pause')
  @HttpCode(200)
  async pause(@Param() { name }: QueueNameParam): Promise<QueueSummary | undefined> {
    return this.admin.setPaused(name, true);
  }

  @Post('queues/:name/resume')
  @HttpCode(200)
  async resume(@Param() { name }: QueueNameParam): Promise<QueueSummary | undefined> {
    return this.admin.setPaused(name, false);
  }

  @Get('jobs/:id')
  async job(@Param('id') id: string): Promise<Job> {
    return (await this.jobs.get(id)) ?? notFound(id);
  }

  @Post('jobs/:id/retry')
  @HttpCode(200)
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
  async cancel(@Param('id') id: string): Promise<Job> {
    return (await this.jobs.cancel(id)) ?? notFound(id);
  }
}

function notFound(id: string): never {
  throw new ProblemException({ status: 404, detail: `There is no job ${id}` });
}
