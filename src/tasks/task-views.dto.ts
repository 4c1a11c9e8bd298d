import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { ApiAnyValue, ApiTimestamp } from '../http/openapi.js';
import {
  TASK_EVENT_KINDS,
  TASK_PROBLEMS,
  TASK_STATUSES,
  type InputFileView,
  type TaskEventView,
  type TaskProgress,
  type TaskStatus,
  type TaskView,
} from './task.js';
import { AHEAD_COUNT_LIMIT } from '../jobs/sql/explain.sql.js';
import { TASK_WAIT_REASONS, type TaskWaiting, type TaskWaitReason } from './task-waiting.js';
import type { TaskPage } from './tasks.service.js';

/** The OpenAPI schemas of what the task routes answer; `implements` keeps them beside the types. */

const TASK_ID_EXAMPLE = '0b6f3c52-8a5e-4c8e-9d27-4f1f6a0e2a11';

@ApiSchema({ name: 'TaskProgress' })
export class TaskProgressDto implements TaskProgress {
  @ApiProperty({ minimum: 0, maximum: 100, example: 42 })
  percent: number;

  @ApiPropertyOptional({ example: '42000 rows read' })
  message?: string;
}

/** A failed or cancelled task's error, as task_problem() builds it. */
@ApiSchema({ name: 'TaskError' })
export class TaskErrorDto {
  @ApiProperty({
    enum: Object.values(TASK_PROBLEMS).map((p) => `urn:taskyard:problem:${p.slug}`),
  })
  type: string;

  @ApiProperty({ enum: Object.values(TASK_PROBLEMS).map((p) => p.title) })
  title: string;

  @ApiProperty({ description: 'What the processor reported, or why the task was cancelled.' })
  detail: string;
}

@ApiSchema({ name: 'ChildrenTally' })
export class ChildrenTallyDto {
  @ApiProperty({ type: 'integer' })
  total: number;

  @ApiProperty({ type: 'integer' })
  succeeded: number;

  @ApiProperty({ type: 'integer' })
  failed: number;

  @ApiProperty({ type: 'integer' })
  cancelled: number;
}

/** One schema for every reason: each reason fills its own detail members (named per member). */
@ApiSchema({ name: 'TaskWaiting' })
export class TaskWaitingDto implements TaskWaiting {
  @ApiProperty({
    enum: TASK_WAIT_REASONS,
    description:
      'The first that holds, in this order: run_at (not due yet: a retry waiting out its ' +
      'backoff), queue_paused, no_worker (no live worker process serves its type in its ' +
      'queue), concurrency_key (held by a running task), group_cap (its ' +
      "tenant's running tasks at its cap), children (a batch parent whose own work is done), " +
      'behind (runnable, with `ahead` tasks to be claimed first).',
    example: 'behind',
  })
  reason: TaskWaitReason;

  @ApiProperty({ example: '3 runnable tasks are ahead of it.' })
  message: string;

  @ApiTimestamp({ required: false, description: 'run_at: not before then.' })
  runAt?: Date;

  @ApiPropertyOptional({ description: 'queue_paused: the paused queue.', example: 'tasks' })
  queue?: string;

  @ApiPropertyOptional({
    type: String,
    format: 'uuid',
    nullable: true,
    description:
      'concurrency_key: the running task that holds the key; null when it is not a task this API key may see.',
  })
  blockedBy?: string | null;

  @ApiPropertyOptional({ description: 'group_cap: the tenant at its cap of running tasks.' })
  tenant?: string;

  @ApiPropertyOptional({ type: 'integer', description: "group_cap: the tenant's cap." })
  maxRunning?: number;

  @ApiPropertyOptional({ type: 'integer', description: 'group_cap: its tasks running now.' })
  running?: number;

  @ApiPropertyOptional({ type: 'integer', description: 'children: how many the parent has.' })
  total?: number;

  @ApiPropertyOptional({
    type: 'integer',
    description: 'children: how many of them have not finished.',
  })
  unfinished?: number;

  @ApiPropertyOptional({
    type: 'integer',
    description:
      'behind: runnable tasks ahead of it in claim order (priority, then run_at, then creation), ' +
      `counted up to ${AHEAD_COUNT_LIMIT}.`,
    example: 3,
  })
  ahead?: number;
}

@ApiSchema({ name: 'InputFile' })
export class InputFileDto implements InputFileView {
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'The name it was uploaded with; null when it came without one.',
    example: 'orders.csv',
  })
  name: string | null;

  @ApiProperty({ type: 'integer', description: 'Bytes.', example: 48213 })
  size: number;

  @ApiProperty({ example: 'text/csv' })
  mediaType: string;
}

@ApiSchema({ name: 'Task' })
export class TaskViewDto implements TaskView {
  @ApiProperty({ format: 'uuid', example: TASK_ID_EXAMPLE })
  id: string;

  @ApiProperty({ example: 'csv.import' })
  type: string;

  @ApiProperty({ enum: TASK_STATUSES, example: 'running' })
  status: TaskStatus;

  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'File tasks only.' })
  inputFileId: string | null;

  @ApiPropertyOptional({
    type: InputFileDto,
    nullable: true,
    description:
      'In GET /tasks and GET /tasks/{id} only: the input file (name, size, media type); null for ' +
      'payload tasks.',
  })
  inputFile?: InputFileDto | null;

  @ApiAnyValue({ description: 'Payload tasks: the payload as given; null for file tasks.' })
  payload: unknown;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: "The type's options, defaults filled in.",
    example: { delimiter: ',' },
  })
  options: Record<string, unknown>;

  @ApiProperty({ type: TaskProgressDto, nullable: true })
  progress: TaskProgressDto | null;

  @ApiAnyValue({ description: 'What the processor returned; null until the task has succeeded.' })
  result: unknown;

  @ApiProperty({ type: TaskErrorDto, nullable: true })
  error: Record<string, unknown> | null;

  @ApiProperty({ type: 'integer', description: 'Attempts started so far.' })
  attempts: number;

  @ApiProperty({ type: 'integer' })
  maxAttempts: number;

  @ApiTimestamp({ nullable: true, description: 'A queued task waiting to run: not before then.' })
  runAt: Date | null;

  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'Batch children.' })
  parentId: string | null;

  @ApiProperty({
    type: String,
    format: 'uri',
    nullable: true,
    description: 'Where its terminal events are POSTed; null when nowhere.',
  })
  callbackUrl: string | null;

  @ApiPropertyOptional({ type: ChildrenTallyDto, description: 'Tasks that have children.' })
  children?: ChildrenTallyDto;

  @ApiProperty({
    type: 'integer',
    description: 'The seq of its latest event: `GET …/events?after=<seq>` continues from here.',
  })
  lastSeq: number;

  @ApiPropertyOptional({
    type: TaskWaitingDto,
    description:
      'Why it is not running yet: only in the answer of GET /tasks/{id}, for a queued task or a ' +
      'batch parent waiting for its children; absent otherwise (and never in lists or events).',
  })
  waiting?: TaskWaitingDto;

  @ApiTimestamp()
  createdAt: Date;

  @ApiTimestamp()
  updatedAt: Date;

  @ApiTimestamp({ nullable: true })
  startedAt: Date | null;

  @ApiTimestamp({ nullable: true })
  finishedAt: Date | null;

  @ApiPropertyOptional({ description: "The task's tenant; shown to admin keys only." })
  tenant?: string;
}

@ApiSchema({ name: 'Artifact' })
export class ArtifactDto {
  @ApiProperty({ description: 'GET …/artifacts/{name} downloads it.', example: 'rejects.csv' })
  name: string;

  @ApiProperty({ type: 'integer' })
  size: number;

  @ApiProperty({ example: 'text/csv' })
  mediaType: string;
}

/** GET /tasks/{id}: the task with its outputs. */
@ApiSchema({ name: 'TaskWithArtifacts' })
export class TaskDetailDto extends TaskViewDto {
  @ApiProperty({ type: [ArtifactDto], description: 'Empty until the task has finished.' })
  artifacts: ArtifactDto[];
}

@ApiSchema({ name: 'TaskPage' })
export class TaskPageDto implements TaskPage {
  @ApiProperty({ type: [TaskViewDto], description: 'Newest first.' })
  items: TaskViewDto[];

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Pass as `cursor` for the next page; null on the last one.',
  })
  nextCursor: string | null;
}

@ApiSchema({ name: 'TaskEvent' })
export class TaskEventDto implements TaskEventView {
  @ApiProperty({ format: 'uuid', example: TASK_ID_EXAMPLE })
  taskId: string;

  @ApiProperty({ type: 'integer', description: '1, 2, 3, … without gaps.', example: 3 })
  seq: number;

  @ApiProperty({ enum: TASK_EVENT_KINDS, example: 'progress' })
  kind: string;

  @ApiTimestamp()
  at: Date;

  @ApiAnyValue({
    description:
      'created: {type}; started: {attempt}; progress: {percent, message?}; retrying: ' +
      '{attempt, runAt, reason}; succeeded: {result}; failed, cancelled: {error}.',
    example: { percent: 42, message: '42000 rows read' },
  })
  data: unknown;
}
