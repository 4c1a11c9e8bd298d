import {
  Controller,
  Delete,
  Get,
  Headers,
  HttpCode,
  Param,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { Caller } from '../auth/api-key.js';
import { CurrentCaller } from '../auth/auth.decorators.js';
import { AppConfig } from '../config/app-config.js';
import { BlobStorage } from '../files/blob-storage.js';
import { FilesService } from '../files/files.service.js';
import { sendFile } from '../http/download.js';
import { isMultipart, readUpload } from '../http/multipart.js';
import { checkIdempotencyKey, IdParam } from '../http/params.js';
import { ProblemException } from '../http/problem.js';
import { validationProblem } from '../http/validation.js';
import { ImportRowsPageDto, ListRowsQuery } from './import-rows.dto.js';
import { ImportRowsService } from './import-rows.service.js';
import { FINISHED_STATUSES, type TaskEventView, type TaskView, toTaskView } from './task.js';
import { type TaskInput, TaskCreator } from './task-creator.js';
import {
  CreateTaskDto,
  ListEventsQuery,
  ListTasksQuery,
  specFromForm,
  specFromJson,
} from './tasks.dto.js';
import { type TaskPage, TasksService } from './tasks.service.js';

const TASK_ID = new IdParam('task');

@ApiTags('tasks')
@ApiBearerAuth()
@Controller('tasks')
export class TasksController {
  constructor(
    private readonly tasks: TasksService,
    private readonly creator: TaskCreator,
    private readonly importRows: ImportRowsService,
    private readonly files: FilesService,
    private readonly storage: BlobStorage,
    private readonly config: AppConfig,
  ) {}

  /** JSON, or multipart/form-data with `file`, `type` and `options` (JSON text). */
  @Post()
  @ApiConsumes('application/json', 'multipart/form-data')
  @ApiBody({ type: CreateTaskDto })
  async create(
    @CurrentCaller() caller: Caller,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
    @Headers('idempotency-key') idempotencyKey?: string,
  ): Promise<TaskView> {
    const key = checkIdempotencyKey(idempotencyKey);
    const read = (): Promise<TaskInput> => this.readTask(request);
    const { task, created } = await this.creator.create(caller, read, key);
    response.status(created ? 202 : 200);
    response.setHeader('Location', `/api/v1/tasks/${task.id}`);
    if (!created) response.setHeader('Idempotent-Replayed', 'true');
    return toTaskView(task);
  }

  @Get()
  list(@CurrentCaller() caller: Caller, @Query() query: ListTasksQuery): Promise<TaskPage> {
    return this.tasks.list(caller, query);
  }

  /** `Prefer: wait=N` waits up to N seconds for the task's next change (at once if it has ended). */
  @Get(':id')
  async get(
    @CurrentCaller() caller: Caller,
    @Param('id', TASK_ID) id: string,
    @Res({ passthrough: true }) response: Response,
    @Headers('prefer') prefer?: string,
    @Headers('if-none-match') ifNoneMatch?: string,
  ): Promise<TaskView & { artifacts: { name: string; size: number; mediaType: string }[] }> {
    const waitS = Math.min(this.config.tasks.maxWaitS, preferredWait(prefer));
    const knownSeq = /^(?:W\/)?"(\d+)"$/.exec(ifNoneMatch?.trim() ?? '')?.[1];
    const task = await this.tasks.findChanged(
      caller,
      id,
      waitS * 1000,
      knownSeq ? Number(knownSeq) : undefined,
    );
    if (waitS > 0) response.setHeader('Preference-Applied', `wait=${waitS}`);
    response.setHeader('ETag', `W/"${task.lastSeq}"`);
    // Outputs are written while a task runs; a task that has not finished shows none yet.
    const artifacts = FINISHED_STATUSES.includes(task.status)
      ? await this.files.listArtifacts(task.id)
      : [];
    return {
      ...toTaskView(task, caller.role === 'admin'),
      artifacts: artifacts.map((a) => ({
        name: a.artifactName ?? '',
        size: Number(a.size),
        mediaType: a.mediaType,
      })),
    };
  }

  @Get(':id/events')
  events(
    @CurrentCaller() caller: Caller,
    @Param('id', TASK_ID) id: string,
    @Query() query: ListEventsQuery,
  ): Promise<TaskEventView[]> {
    return this.tasks.events(caller, id, query);
  }

  /**
   * What a succeeded csv.import loaded, in load order, page by page (`nextCursor` → `after`).
   * 404 for another tenant's task or a task of another type; 409 until the import has succeeded.
   */
  @Get(':id/rows')
  @ApiOkResponse({ type: ImportRowsPageDto })
  rows(
    @CurrentCaller() caller: Caller,
    @Param('id', TASK_ID) id: string,
    @Query() query: ListRowsQuery,
  ): Promise<ImportRowsPageDto> {
    return this.importRows.page(caller, id, query);
  }

  @Post(':id/cancel')
  @HttpCode(202)
  async cancel(
    @CurrentCaller() caller: Caller,
    @Param('id', TASK_ID) id: string,
  ): Promise<TaskView> {
    return toTaskView(await this.tasks.cancel(caller, id));
  }

  @Post(':id/retry')
  @HttpCode(202)
  async retry(
    @CurrentCaller() caller: Caller,
    @Param('id', TASK_ID) id: string,
  ): Promise<TaskView> {
    return toTaskView(await this.tasks.retry(caller, id));
  }

  @Delete(':id')
  @HttpCode(204)
  async delete(@CurrentCaller() caller: Caller, @Param('id', TASK_ID) id: string): Promise<void> {
    await this.tasks.delete(caller, id);
  }

  @Get(':id/artifacts/:name')
  async artifact(
    @CurrentCaller() caller: Caller,
    @Param('id', TASK_ID) id: string,
    @Param('name') name: string,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    await sendFile(request, response, await this.tasks.artifact(caller, id, name), this.files);
  }

  /** The spec from a JSON body, or from a multipart form with its file staged in storage. */
  private async readTask(request: Request): Promise<TaskInput> {
    if (!isMultipart(request)) {
      if (!request.is('application/json')) {
        throw new ProblemException({
          status: 415,
          detail: 'Send the task as application/json, or as multipart/form-data with its file.',
        });
      }
      return { spec: specFromJson(request.body) };
    }
    const { fields, file } = await readUpload(request, this.storage, this.config.files);
    try {
      const spec = specFromForm(fields);
      if (!file) {
        throw validationProblem([
          { field: 'file', messages: ['the form has no part named "file"'] },
        ]);
      }
      return { spec, upload: file };
    } catch (error) {
      await file?.staged.discard();
      throw error;
    }
  }
}

function preferredWait(prefer: string | undefined): number {
  const seconds = /(?:^|[,;\s])wait\s*=\s*(\d+)/i.exec(prefer ?? '')?.[1];
  return seconds ? Number(seconds) : 0;
}
