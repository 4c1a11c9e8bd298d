import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import type { Caller } from '../auth/api-key.js';
import { CurrentCaller } from '../auth/auth.decorators.js';
import { ApiKeyAuth, CachedOkResponse, ProblemResponses } from '../http/openapi.js';
import { IdParam } from '../http/params.js';
import { CreateScheduleDto, ScheduleDto } from './schedules.dto.js';
import { type ScheduleView, SchedulesService } from './schedules.service.js';

const SCHEDULE_ID = new IdParam('schedule');

const ScheduleIdParam = (): MethodDecorator =>
  ApiParam({ name: 'id', format: 'uuid', description: 'The schedule id.' });

@ApiTags('schedules')
@ApiKeyAuth()
@Controller('schedules')
export class SchedulesController {
  constructor(private readonly schedules: SchedulesService) {}

  @Post()
  @ApiOperation({ operationId: 'createSchedule', summary: 'Create a recurring task' })
  @ApiCreatedResponse({ type: ScheduleDto })
  @ProblemResponses(422)
  create(@CurrentCaller() caller: Caller, @Body() body: CreateScheduleDto): Promise<ScheduleView> {
    return this.schedules.create(caller, body);
  }

  @Get()
  @ApiOperation({ operationId: 'listSchedules', summary: "The tenant's schedules" })
  @CachedOkResponse({ type: ScheduleDto, isArray: true })
  list(@CurrentCaller() caller: Caller): Promise<ScheduleView[]> {
    return this.schedules.list(caller);
  }

  @Get(':id')
  @ScheduleIdParam()
  @ApiOperation({ operationId: 'getSchedule', summary: 'A schedule with its next runs' })
  @CachedOkResponse({ type: ScheduleDto })
  @ProblemResponses(404)
  get(
    @CurrentCaller() caller: Caller,
    @Param('id', SCHEDULE_ID) id: string,
  ): Promise<ScheduleView> {
    return this.schedules.get(caller, id);
  }

  @Post(':id/pause')
  @ScheduleIdParam()
  @HttpCode(200)
  @ApiOperation({
    operationId: 'pauseSchedule',
    summary: 'Pause a schedule: its ticks are skipped',
  })
  @ApiOkResponse({ type: ScheduleDto })
  @ProblemResponses(404)
  pause(
    @CurrentCaller() caller: Caller,
    @Param('id', SCHEDULE_ID) id: string,
  ): Promise<ScheduleView> {
    return this.schedules.setPaused(caller, id, true);
  }

  @Post(':id/resume')
  @ScheduleIdParam()
  @HttpCode(200)
  @ApiOperation({ operationId: 'resumeSchedule', summary: 'Resume a schedule from its next tick' })
  @ApiOkResponse({ type: ScheduleDto })
  @ProblemResponses(404)
  resume(
    @CurrentCaller() caller: Caller,
    @Param('id', SCHEDULE_ID) id: string,
  ): Promise<ScheduleView> {
    return this.schedules.setPaused(caller, id, false);
  }

  @Delete(':id')
  @ScheduleIdParam()
  @HttpCode(204)
  @ApiOperation({ operationId: 'deleteSchedule', summary: 'Delete a schedule (its tasks stay)' })
  @ApiNoContentResponse({ description: 'Deleted.' })
  @ProblemResponses(404)
  async delete(
    @CurrentCaller() caller: Caller,
    @Param('id', SCHEDULE_ID) id: string,
  ): Promise<void> {
    await this.schedules.delete(caller, id);
  }
}
