import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdminOnly } from '../../auth/auth.decorators.js';
import { ApiKeyAuth, CachedOkResponse, ProblemResponses } from '../../http/openapi.js';
import { validationProblem } from '../../http/validation.js';
import {
  FailureActionDto,
  FailureFilterQuery,
  FailureGroupsDto,
  FailuresActedDto,
} from './failures.dto.js';
import type { FailureFilter } from './failures.repository.js';
import { type FailureGroup, type FailuresActed, FailuresService } from './failures.service.js';

@ApiTags('admin')
@ApiKeyAuth()
@ProblemResponses(404, 422)
@AdminOnly()
@Controller('admin/failures')
export class FailuresController {
  constructor(private readonly failures: FailuresService) {}

  @Get()
  @ApiOperation({
    operationId: 'listFailureGroups',
    summary: 'Failed tasks grouped by type and error, digits and UUIDs masked (admin)',
  })
  @CachedOkResponse({ type: FailureGroupsDto })
  async list(@Query() filter: FailureFilterQuery): Promise<{ groups: FailureGroup[] }> {
    return { groups: await this.failures.groups(filter) };
  }

  @Post('retry')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'retryFailures',
    summary: 'Retry the failed tasks of a group, or all the filters select (admin)',
  })
  @ApiOkResponse({ type: FailuresActedDto })
  retry(@Body() body: FailureActionDto): Promise<FailuresActed> {
    return this.failures.retry(selection(body));
  }

  @Post('discard')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'discardFailures',
    summary: 'Delete the failed tasks of a group, or all the filters select (admin)',
  })
  @ApiOkResponse({ type: FailuresActedDto })
  discard(@Body() body: FailureActionDto): Promise<FailuresActed> {
    return this.failures.discard(selection(body));
  }
}

/** An empty body must not mean every failure: it takes a key, or an explicit `all: true`. */
function selection({ key, all, type, queue, tenant }: FailureActionDto): FailureFilter {
  if (key === undefined && all !== true) {
    throw validationProblem(
      [{ field: 'key', messages: ['give a group key, or all: true for every selected failure'] }],
      'Name the failures to act on: a group key, or all: true.',
    );
  }
  return { key, type, queue, tenant };
}
