import { Body, Controller, Headers, HttpCode, Param, Post, Put, Req } from '@nestjs/common';
import {
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiHeader,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import type { Request } from 'express';
import { Readable } from 'node:stream';
import type { Caller } from '../auth/api-key.js';
import { CurrentCaller, WorkerRoute } from '../auth/auth.decorators.js';
import { ApiKeyAuth, ProblemResponses } from '../http/openapi.js';
import { IdParam } from '../http/params.js';
import { ProblemException } from '../http/problem.js';
import type { TaskView } from '../tasks/task.js';
import { TaskViewDto } from '../tasks/task-views.dto.js';
import { LEASE_TOKEN_HEADER } from './remote-workers.controller.js';
import {
  CompleteBody,
  FailBody,
  HeartbeatDto,
  LeaseBody,
  PartialBody,
  ProgressBody,
  StoredArtifactDto,
} from './remote-workers.dto.js';
import { RemoteWorkersService } from './remote-workers.service.js';

const TASK_ID = new IdParam('task');
const ARTIFACT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/;

/**
 * The remote worker protocol, report side: every call carries the lease token of the claim, and
 * is refused with 409 (`urn:taskyard:problem:lease-lost`) once that lease has expired and been
 * reaped, or passed to another claim.
 */
@ApiTags('workers')
@ApiKeyAuth()
@ProblemResponses(404, 409, 422)
@ApiParam({ name: 'id', format: 'uuid', description: 'The task id.' })
@WorkerRoute()
@Controller('tasks')
export class RemoteTasksController {
  constructor(private readonly workers: RemoteWorkersService) {}

  @Post(':id/heartbeat')
  @ApiHeader(LEASE_TOKEN_HEADER)
  @HttpCode(200)
  @ApiOperation({
    operationId: 'heartbeatTask',
    summary: "Extend a claimed task's lease; says whether a cancel was requested",
  })
  @ApiOkResponse({ type: HeartbeatDto })
  heartbeat(
    @CurrentCaller() caller: Caller,
    @Param('id', TASK_ID) id: string,
    @Body() body: LeaseBody,
    @Headers('Lease-Token') header?: string,
  ): Promise<HeartbeatDto> {
    return this.workers.heartbeat(caller, id, body.leaseToken ?? header);
  }

  @Post(':id/progress')
  @ApiHeader(LEASE_TOKEN_HEADER)
  @HttpCode(204)
  @ApiOperation({ operationId: 'reportTaskProgress', summary: "Report a claimed task's progress" })
  @ApiNoContentResponse({ description: 'Recorded.' })
  async progress(
    @CurrentCaller() caller: Caller,
    @Param('id', TASK_ID) id: string,
    @Body() body: ProgressBody,
    @Headers('Lease-Token') header?: string,
  ): Promise<void> {
    await this.workers.progress(caller, id, body.leaseToken ?? header, body);
  }

  @Post(':id/partial')
  @ApiHeader(LEASE_TOKEN_HEADER)
  @HttpCode(204)
  @ApiOperation({ operationId: 'reportTaskPartial', summary: 'Report a partial result' })
  @ApiNoContentResponse({ description: 'Recorded.' })
  async partial(
    @CurrentCaller() caller: Caller,
    @Param('id', TASK_ID) id: string,
    @Body() body: PartialBody,
    @Headers('Lease-Token') header?: string,
  ): Promise<void> {
    await this.workers.partial(caller, id, body.leaseToken ?? header, body.data);
  }

  @Put(':id/artifacts/:name')
  @ApiHeader(LEASE_TOKEN_HEADER)
  @HttpCode(201)
  @ApiOperation({
    operationId: 'uploadTaskArtifact',
    summary: 'Store an output of a claimed task (the raw body, streamed)',
  })
  @ApiParam({ name: 'name', schema: { type: 'string', pattern: ARTIFACT_NAME.source } })
  @ApiConsumes('application/octet-stream')
  @ApiBody({ schema: { type: 'string', format: 'binary' } })
  @ApiCreatedResponse({ type: StoredArtifactDto })
  @ProblemResponses(413)
  artifact(
    @CurrentCaller() caller: Caller,
    @Param('id', TASK_ID) id: string,
    @Param('name') name: string,
    @Req() request: Request,
    @Headers('Lease-Token') token?: string,
  ): Promise<StoredArtifactDto> {
    if (!ARTIFACT_NAME.test(name)) {
      throw new ProblemException({
        status: 422,
        detail: `An artifact name must match ${ARTIFACT_NAME.source}.`,
      });
    }
    const mediaType =
      request.headers['content-type']?.split(';')[0]?.trim() || 'application/octet-stream';
    // A JSON body was read by the JSON parser already: store what it read.
    const content = request.readableEnded
      ? Readable.from([Buffer.from(JSON.stringify(request.body ?? null))])
      : request;
    const declaredBytes = Number(request.headers['content-length'] ?? NaN);
    return this.workers.artifact(caller, id, token, name, { content, mediaType, declaredBytes });
  }

  @Post(':id/complete')
  @ApiHeader(LEASE_TOKEN_HEADER)
  @HttpCode(200)
  @ApiOperation({ operationId: 'completeTask', summary: 'Complete a claimed task with its result' })
  @ApiOkResponse({ type: TaskViewDto, description: 'The task, succeeded.' })
  complete(
    @CurrentCaller() caller: Caller,
    @Param('id', TASK_ID) id: string,
    @Body() body: CompleteBody,
    @Headers('Lease-Token') header?: string,
  ): Promise<TaskView> {
    return this.workers.complete(caller, id, body.leaseToken ?? header, body.result);
  }

  @Post(':id/fail')
  @ApiHeader(LEASE_TOKEN_HEADER)
  @HttpCode(200)
  @ApiOperation({
    operationId: 'failTask',
    summary: 'Fail a claimed task: queued again while retryable with attempts left, else failed',
  })
  @ApiOkResponse({ type: TaskViewDto, description: 'The task, queued again or failed.' })
  fail(
    @CurrentCaller() caller: Caller,
    @Param('id', TASK_ID) id: string,
    @Body() body: FailBody,
    @Headers('Lease-Token') header?: string,
  ): Promise<TaskView> {
    return this.workers.fail(caller, id, body.leaseToken ?? header, body.error, body.retryable);
  }
}
