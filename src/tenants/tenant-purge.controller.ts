import { Controller, Delete, HttpCode, Param, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { AdminOnly } from '../auth/auth.decorators.js';
import { ApiKeyAuth, ProblemResponses } from '../http/openapi.js';
import { JobsService } from '../jobs/jobs.service.js';
import { TenantParam } from './tenant-limits.dto.js';
import { PURGE_TENANT_JOB_TYPE, type PurgeTenantPayload } from './tenant-purge.js';

export class TenantPurgeDto {
  @ApiProperty({ example: 'acme' })
  tenant: string;

  @ApiProperty({ description: 'The queue job deleting it: GET /api/v1/admin/jobs/{jobId}.' })
  jobId: string;
}

@ApiTags('admin')
@ApiKeyAuth()
@ProblemResponses(422)
@AdminOnly()
@Controller('admin/tenants')
export class TenantPurgeController {
  constructor(private readonly jobs: JobsService) {}

  /**
   * Deletes all of a tenant's data, as a queue job: its keys (admin keys aside), webhooks, remote
   * workers, limits, tasks (unfinished ones cancelled first) with their events, artifacts and
   * import tables, and files with their blobs. Two calls at once share one job's work.
   */
  @Delete(':tenant')
  @HttpCode(202)
  @ApiOperation({
    operationId: 'deleteTenant',
    summary: "Delete all of a tenant's data (admin); runs as a queue job",
  })
  @ApiAcceptedResponse({
    type: TenantPurgeDto,
    description: 'Deleting: follow the job at Location.',
    headers: {
      Location: { description: 'The job: /api/v1/admin/jobs/{id}.', schema: { type: 'string' } },
    },
  })
  async delete(
    @Param() { tenant }: TenantParam,
    @Res({ passthrough: true }) response: Response,
  ): Promise<TenantPurgeDto> {
    const payload: PurgeTenantPayload = { tenant };
    const job = await this.jobs.enqueue({
      type: PURGE_TENANT_JOB_TYPE,
      payload,
      concurrencyKey: `tenant-purge:${tenant}`,
    });
    response.setHeader('Location', `/api/v1/admin/jobs/${job.id}`);
    return { tenant, jobId: job.id };
  }
}
