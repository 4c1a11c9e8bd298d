import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdminOnly } from '../../auth/auth.decorators.js';
import { ApiKeyAuth, CachedOkResponse, ProblemResponses } from '../../http/openapi.js';
import { ActivityDto, ActivityQuery, StuckJobDto } from './operations.dto.js';
import { type Activity, OperationsService, type StuckJob } from './operations.service.js';

@ApiTags('admin')
@ApiKeyAuth()
@ProblemResponses(404)
@AdminOnly()
@Controller('admin')
export class OperationsController {
  constructor(private readonly operations: OperationsService) {}

  @Get('activity')
  @ApiOperation({
    operationId: 'getActivity',
    summary: 'Jobs succeeded and failed per minute and queue, over the last minutes (admin)',
  })
  @CachedOkResponse({ type: ActivityDto })
  @ProblemResponses(422)
  activity(@Query() { minutes }: ActivityQuery): Promise<Activity> {
    return this.operations.activity(minutes);
  }

  @Get('stuck')
  @ApiOperation({
    operationId: 'listStuckJobs',
    summary: 'Running jobs over their time limit or with a lapsing lease (admin)',
  })
  @CachedOkResponse({ type: [StuckJobDto] })
  stuck(): Promise<StuckJob[]> {
    return this.operations.stuck();
  }
}
