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
  UseInterceptors,
} from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiExtraModels,
  ApiHeader,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { Caller } from '../auth/api-key.js';
import { CurrentCaller } from '../auth/auth.decorators.js';
import { AppConfig } from '../config/app-config.js';
import { BlobStorage } from '../files/blob-storage.js';
import { FilesService } from '../files/files.service.js';
import { sendFile } from '../http/download.js';
import { isMultipart, readUpload } from '../http/multipart.js';
import { checkIdempotencyKey, IdParam, preferredWait } from '../http/params.js';
import {
  ApiKeyAuth,
  CachedOkResponse,
  DownloadResponses,
  ProblemResponses,
} from '../http/openapi.js';
import { ProblemException } from '../http/problem.js';
import { validationProblem } from '../http/validation.js';
import { ImportRowsPageDto, ListRowsQuery } from './import-rows.dto.js';
import { ImportRowsService } from './import-rows.service.js';
import {
  FINISHED_STATUSES,
  type TaskEventView,
  type TaskView,
  toInputFileView,
  toTaskView,
} from './task.js';
import { type TaskInput, TaskCreator } from './task-creator.js';
import { TASK_EXAMPLES } from './task-examples.js';
import { TaskDetailDto, TaskEventDto, TaskPageDto, TaskViewDto } from './task-views.dto.js';
import {
  CreateTaskDto,
  CreateTaskFormDto,
  GetTaskQuery,
  ListEventsQuery,
  ListTasksQuery,
  specFromForm,
  specFromJson,
} from './tasks.dto.js';
import { type TaskPage, TasksService } from './tasks.service.js';
import { RequestSpan } from '../tracing/request-span.interceptor.js';

const TASK_ID = new IdParam('task');

/** `{id}` of the routes of one task: not a UUID is 404, as an unknown one. */
const TaskIdParam = (): MethodDecorator =>
  ApiParam({ name: 'id', format: 'uuid', description: 'The task id.' });

const LOCATION = { description: 'The task: /api/v1/tasks/{id}.', schema: { type: 'string' } };

@ApiTags('tasks')
@ApiKeyAuth()
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
  @ApiOperation({
    operationId: 'createTask',
    summary: 'Create a task, from JSON or with its file (multipart/form-data)',
    requestBody: {
      required: true,
      content: {
        'application/json': {
          schema: { $ref: getSchemaPath(CreateTaskDto) },
          example: TASK_EXAMPLES.createJson,
        },
        'multipart/form-data': {
          schema: { $ref: getSchemaPath(CreateTaskFormDto) },
          example: TASK_EXAMPLES.createForm,
        },
      },
    },
  })
  @ApiExtraModels(CreateTaskDto, CreateTaskFormDto)
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description:
      'Sending the same key again answers 200 with the task it created, instead of a second task.',
    schema: { type: 'string', pattern: '^[\\x21-\\x7e]{1,200}$', example: 'orders-2026-12-01' },
  })
  @ApiAcceptedResponse({
    type: TaskViewDto,
    description: 'Created and queued.',
    headers: { Location: LOCATION },
    example: TASK_EXAMPLES.created,
  })
  @ApiOkResponse({
    type: TaskViewDto,
    description: 'The Idempotency-Key was used before: the task it created, as it is now.',
    headers: {
      Location: LOCATION,
      'Idempotent-Replayed': { schema: { type: 'string', enum: ['true'] } },
    },
  })
  @ProblemResponses(400, 413, 415, 422)
  @UseInterceptors(RequestSpan)
  async create(
    @CurrentCaller() caller: Caller,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
    @Headers('Idempotency-Key') idempotencyKey?: string,
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
  @ApiOperation({
    operationId: 'listTasks',
    summary: "The caller's tasks, newest first, a page at a time",
  })
  @CachedOkResponse({ type: TaskPageDto, example: TASK_EXAMPLES.page })
  @ProblemResponses(422)
  list(@CurrentCaller() caller: Caller, @Query() query: ListTasksQuery): Promise<TaskPage> {
    return this.tasks.list(caller, query);
  }

  /**
   * `Prefer: wait=N` waits up to N seconds for the task's next change, or with `?until=finished`
   * for its end (at once if it has ended).
   */
  @Get(':id')
  @TaskIdParam()
  @ApiOperation({
    operationId: 'getTask',
    summary:
      'A task with its artifacts; with Prefer: wait=N, once it has changed or finished (long poll)',
  })
  @ApiHeader({
    name: 'Prefer',
    required: false,
    description:
      '`wait=N`: answer once the task has changed since If-None-Match (or since now), or after ' +
      'N seconds (at most TASKS_MAX_WAIT_S); at once for a finished task.',
    schema: { type: 'string', pattern: 'wait=\\d+', example: 'wait=30' },
  })
  @CachedOkResponse({
    type: TaskDetailDto,
    description:
      'The task. ETag is W/"<lastSeq>": with Prefer: wait=N, If-None-Match names the state to wait past.',
    headers: {
      'Preference-Applied': {
        description: 'The wait applied, e.g. `wait=30`, when Prefer asked for one.',
        schema: { type: 'string' },
      },
    },
    example: TASK_EXAMPLES.task,
  })
  @ProblemResponses(404)
  async get(
    @CurrentCaller() caller: Caller,
    @Param('id', TASK_ID) id: string,
    @Res({ passthrough: true }) response: Response,
    @Query() query: GetTaskQuery,
    @Headers('Prefer') prefer?: string,
    @Headers('If-None-Match') ifNoneMatch?: string,
  ): Promise<TaskView & { artifacts: { name: string; size: number; mediaType: string }[] }> {
    const waitS = Math.min(this.config.tasks.maxWaitS, preferredWait(prefer));
    const knownSeq = /^(?:W\/)?"(\d+)"$/.exec(ifNoneMatch?.trim() ?? '')?.[1];
    const task = await this.tasks.findChanged(caller, id, {
      waitMs: waitS * 1000,
      knownSeq: knownSeq ? Number(knownSeq) : undefined,
      untilFinished: query.until === 'finished',
    });
    if (waitS > 0) response.setHeader('Preference-Applied', `wait=${waitS}`);
    response.setHeader('ETag', `W/"${task.lastSeq}"`);
    // Decided here rather than by Express's freshness check, which answers 200 to the
    // Cache-Control: no-cache that fetch() adds to every conditional request. Express drops the body.
    if (knownSeq !== undefined && Number(knownSeq) === task.lastSeq) response.status(304);
    // Outputs are written while a task runs; a task that has not finished shows none yet.
    const [artifacts, waiting, inputFile] = await Promise.all([
      FINISHED_STATUSES.includes(task.status) ? this.files.listArtifacts(task.id) : [],
      this.tasks.waiting(caller, task),
      task.inputFileId ? this.files.findById(task.inputFileId) : undefined,
    ]);
    return {
      ...toTaskView(task, caller.role === 'admin'),
      inputFile: toInputFileView(inputFile),
      ...(waiting && { waiting }),
      artifacts: artifacts.map((a) => ({
        name: a.artifactName ?? '',
        size: Number(a.size),
        mediaType: a.mediaType,
      })),
    };
  }

  @Get(':id/events')
  @TaskIdParam()
  @ApiOperation({ operationId: 'listTaskEvents', summary: "A task's events in seq order" })
  @CachedOkResponse({ type: [TaskEventDto], example: TASK_EXAMPLES.events })
  @ProblemResponses(404, 422)
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
  @TaskIdParam()
  @ApiOperation({ operationId: 'listTaskRows', summary: 'The rows a csv.import loaded' })
  @CachedOkResponse({ type: ImportRowsPageDto })
  @ProblemResponses(404, 409, 422)
  rows(
    @CurrentCaller() caller: Caller,
    @Param('id', TASK_ID) id: string,
    @Query() query: ListRowsQuery,
  ): Promise<ImportRowsPageDto> {
    return this.importRows.page(caller, id, query);
  }

  @Post(':id/cancel')
  @TaskIdParam()
  @HttpCode(202)
  @ApiOperation({
    operationId: 'cancelTask',
    summary: 'Cancel a queued or running task (a running one stops at its next check)',
  })
  @ApiAcceptedResponse({ type: TaskViewDto })
  @ProblemResponses(404, 409)
  async cancel(
    @CurrentCaller() caller: Caller,
    @Param('id', TASK_ID) id: string,
  ): Promise<TaskView> {
    return toTaskView(await this.tasks.cancel(caller, id));
  }

  @Post(':id/retry')
  @TaskIdParam()
  @HttpCode(202)
  @ApiOperation({ operationId: 'retryTask', summary: 'Run a failed or cancelled task again' })
  @ApiAcceptedResponse({ type: TaskViewDto })
  @ProblemResponses(404, 409)
  async retry(
    @CurrentCaller() caller: Caller,
    @Param('id', TASK_ID) id: string,
  ): Promise<TaskView> {
    return toTaskView(await this.tasks.retry(caller, id));
  }

  @Delete(':id')
  @TaskIdParam()
  @HttpCode(204)
  @ApiOperation({
    operationId: 'deleteTask',
    summary: 'Delete a finished task with its events and artifacts',
  })
  @ApiNoContentResponse({ description: 'Deleted.' })
  @ProblemResponses(404, 409)
  async delete(@CurrentCaller() caller: Caller, @Param('id', TASK_ID) id: string): Promise<void> {
    await this.tasks.delete(caller, id);
  }

  @Get(':id/artifacts/:name')
  @TaskIdParam()
  @ApiOperation({ operationId: 'getTaskArtifact', summary: "Download one of a task's outputs" })
  @ApiParam({ name: 'name', description: 'An artifact name from GET /tasks/{id}.' })
  @DownloadResponses()
  @ProblemResponses(422)
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
