import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Param,
  Post,
  Put,
  Req,
  Res,
} from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { Caller } from '../auth/api-key.js';
import { CurrentCaller, WorkerRoute } from '../auth/auth.decorators.js';
import { AppConfig } from '../config/app-config.js';
import { FilesService } from '../files/files.service.js';
import { sendFile } from '../http/download.js';
import { ApiKeyAuth, DownloadResponses, ProblemResponses } from '../http/openapi.js';
import { IdParam, preferredWait } from '../http/params.js';
import {
  ClaimBody,
  ClaimResultDto,
  RegisterWorkerBody,
  RemoteWorkerDto,
  WORKER_NAME_PATTERN,
  WorkerNameParam,
  WorkerNamePipe,
} from './remote-workers.dto.js';
import {
  type ClaimedTaskView,
  RemoteWorkersService,
  type RemoteWorkerView,
} from './remote-workers.service.js';

const TASK_ID = new IdParam('task');

export const LEASE_TOKEN_HEADER = {
  name: 'Lease-Token',
  required: false,
  description: 'The lease token of the claim (or `leaseToken` in the JSON body).',
};

/** The remote worker protocol, worker side: register and claim (docs/remote-workers.md). */
@ApiTags('workers')
@ApiKeyAuth()
@ProblemResponses(404, 422)
@WorkerRoute()
@Controller('workers')
export class RemoteWorkersController {
  constructor(
    private readonly workers: RemoteWorkersService,
    private readonly files: FilesService,
    private readonly config: AppConfig,
  ) {}

  @Put(':name')
  @ApiOperation({
    operationId: 'registerWorker',
    summary: 'Register a remote worker with the task types it serves (worker or admin key)',
  })
  @ApiOkResponse({ type: RemoteWorkerDto })
  @ProblemResponses(409)
  register(
    @CurrentCaller() caller: Caller,
    @Param() { name }: WorkerNameParam,
    @Body() body: RegisterWorkerBody,
  ): Promise<RemoteWorkerView> {
    return this.workers.register(caller, name, body.types);
  }

  @Post(':name/claims')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'claimTasks',
    summary: "Claim tasks of the worker's types; with Prefer: wait=N, wait for some (long poll)",
  })
  @ApiHeader({
    name: 'Prefer',
    required: false,
    description: '`wait=N`: wait up to N seconds (at most REMOTE_WORKERS_MAX_WAIT_S) for a task.',
    schema: { type: 'string', pattern: 'wait=\\d+', example: 'wait=30' },
  })
  @ApiOkResponse({
    type: ClaimResultDto,
    headers: {
      'Preference-Applied': {
        description: 'The wait applied, e.g. `wait=30`, when Prefer asked for one.',
        schema: { type: 'string' },
      },
    },
  })
  async claim(
    @CurrentCaller() caller: Caller,
    @Param() { name }: WorkerNameParam,
    @Body() body: ClaimBody,
    @Res({ passthrough: true }) response: Response,
    @Headers('Prefer') prefer?: string,
  ): Promise<{ tasks: ClaimedTaskView[] }> {
    const waitS = Math.min(this.config.remoteWorkers.maxWaitS, preferredWait(prefer));
    const gone = new AbortController();
    const onClose = () => {
      if (!response.writableFinished) gone.abort();
    };
    response.once('close', onClose);
    const tasks = await this.workers
      .claim(caller, name, body, waitS * 1000, gone.signal)
      .finally(() => response.off('close', onClose));
    if (waitS > 0) response.setHeader('Preference-Applied', `wait=${waitS}`);
    return { tasks };
  }

  @Get(':name/tasks/:id/input')
  @ApiOperation({
    operationId: 'getClaimedTaskInput',
    summary: 'Download the input file of a claimed task (Range supported)',
  })
  @ApiParam({ name: 'name', schema: { type: 'string', pattern: WORKER_NAME_PATTERN.source } })
  @ApiParam({ name: 'id', format: 'uuid', description: 'The task id.' })
  @ApiHeader(LEASE_TOKEN_HEADER)
  @DownloadResponses()
  @ProblemResponses(409)
  async input(
    @CurrentCaller() caller: Caller,
    @Param('name', new WorkerNamePipe()) name: string,
    @Param('id', TASK_ID) id: string,
    @Req() request: Request,
    @Res() response: Response,
    @Headers('Lease-Token') token?: string,
  ): Promise<void> {
    const file = await this.workers.input(caller, name, id, token);
    await sendFile(request, response, file, this.files);
  }
}
