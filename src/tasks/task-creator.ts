import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { type Caller, inTenantScope, tenantScope } from '../auth/api-key.js';
import { isUuid } from '../auth/api-keys.service.js';
import { Database } from '../database/database.js';
import { GroupCommit, type GroupCommitPolicy } from '../database/group-commit.js';
import type { Db } from '../database/db.js';
import { FilesService, type Upload } from '../files/files.service.js';
import { type FieldError, validationProblem } from '../http/validation.js';
import type { Job } from '../jobs/job.js';
import { JobsService } from '../jobs/jobs.service.js';
import { TenantLimitsService } from '../tenants/tenant-limits.service.js';
import { TaskTypeCatalog } from './remote-task-types.js';
import type { TaskEntity } from './task.entity.js';
import { TASK_JOB_PREFIX } from './task.js';
import { type CheckedTaskSpec, checkInputFile, checkTaskSpec, type TaskSpec } from './task-spec.js';
import { TasksRepository } from './tasks.repository.js';
import { activeTraceParent, inSpan, parentOf, taskAttributes } from '../tracing/spans.js';

export const TASKS_QUEUE = 'tasks';

/** A create request: the task's spec, and the file uploaded with it (multipart). */
export interface TaskInput {
  spec: TaskSpec;
  upload?: Upload;
}

export interface CreatedTask {
  task: TaskEntity;
  /** False when an Idempotency-Key matched an existing task. */
  created: boolean;
}

/** A task to write: its checked spec, and for a batch child its parent and manifest line. */
interface NewTask {
  tenant: string;
  /** The queue group that caps the tenant's running tasks; none when it has no cap. */
  groupKey?: string;
  spec: CheckedTaskSpec;
  parent?: { id: string; line: number };
  /**
   * The create's trace (src/tracing), taken before the batch: a batch is written in the async
   * context of whichever create started it. Unset for batch children, written in their parent's run.
   */
  traceParent?: string | null;
}

/** Thrown inside a transaction to roll it back when an idempotent create finds its earlier task. */
class Replayed extends Error {
  constructor(readonly task: TaskEntity) {
    super('replayed');
  }
}

/**
 * Creates without an idempotency key that arrive together share one transaction. A batch that
 * fails is written again one create at a time, so that one bad create cannot sink the others.
 */
export const CREATE_BATCHES: GroupCommitPolicy = {
  maxBatch: 500,
  failedBatch: { writeAlone: 'concurrently' },
};

/** Writes new tasks: each with its job and its `created` event, in one transaction. */
@Injectable()
export class TaskCreator {
  private readonly batcher: GroupCommit<NewTask, TaskEntity>;

  constructor(
    private readonly database: Database,
    private readonly tasks: TasksRepository,
    private readonly processors: TaskTypeCatalog,
    private readonly jobs: JobsService,
    private readonly files: FilesService,
    private readonly limits: TenantLimitsService,
  ) {
    this.batcher = new GroupCommit(
      (items) =>
        this.database.transaction(async (tx) => {
          const rows = await this.insertMany(tx, items);
          return rows.map((row) => row ?? failed('a task of the batch was not inserted'));
        }),
      CREATE_BATCHES,
    );
  }

  /**
   * POST /tasks in either form, or a host application's create. `input` may be a function giving
   * the request's spec (and upload): it is called after the tenant's queued-tasks check, so that a
   * full tenant does not upload a file for nothing.
   */
  async create(
    caller: Caller,
    input: TaskInput | (() => Promise<TaskInput>),
    idempotencyKey?: string,
  ): Promise<CreatedTask> {
    const spec = { attributes: { 'taskyard.tenant': caller.tenant } };
    return inSpan('task.enqueue', parentOf(), spec, async (span) => {
      const created = await this.createTask(caller, input, idempotencyKey);
      span?.setAttributes(taskAttributes(created.task));
      return created;
    });
  }

  private async createTask(
    caller: Caller,
    input: TaskInput | (() => Promise<TaskInput>),
    idempotencyKey?: string,
  ): Promise<CreatedTask> {
    await this.limits.checkQueuedTasks(caller.tenant);
    const { spec, upload } = typeof input === 'function' ? await input() : input;
    let task: NewTask;
    try {
      task = await this.prepare(caller, spec, upload);
    } catch (error) {
      await upload?.staged.discard();
      throw error;
    }
    if (!idempotencyKey && !upload) return { task: await this.batcher.add(task), created: true };
    return this.createAlone(task, upload, idempotencyKey);
  }

  /** The spec checked, with its input file (uploaded, or one of the caller's by id). */
  private async prepare(caller: Caller, spec: TaskSpec, upload?: Upload): Promise<NewTask> {
    const checked = await checkTaskSpec(this.processors, spec, upload !== undefined);
    if (Array.isArray(checked)) throw validationProblem(checked);
    if (upload) {
      checkInputFile(checked, { mediaType: upload.mediaType, size: upload.staged.size }, 'file');
    } else if (checked.fileId) {
      await this.checkFileId(caller, checked);
    }
    const groupKey = await this.limits.runningGroup(caller.tenant);
    return {
      tenant: caller.tenant,
      spec: checked,
      groupKey,
      traceParent: activeTraceParent() ?? null,
    };
  }

  /** A create in a transaction of its own: with its upload (stored together, or neither), or a key. */
  private async createAlone(
    task: NewTask,
    upload: Upload | undefined,
    idempotencyKey: string | undefined,
  ): Promise<CreatedTask> {
    try {
      return await this.database.transaction(async (tx) => {
        const file = upload && (await this.files.addUpload(tx, task.tenant, upload));
        return this.insert(tx, task, file?.id ?? task.spec.fileId, idempotencyKey);
      });
    } catch (error) {
      if (upload) await this.files.dropUpload(upload.staged);
      if (error instanceof Replayed) return { task: error.task, created: false };
      throw error;
    }
  }

  /**
   * Batch children: one transaction per call. A line done before (a re-run after a crash) is
   * skipped: its job and task are found by their keys instead of created again.
   */
  async createChildren(
    parent: { id: string; tenant: string },
    children: { line: number; spec: CheckedTaskSpec }[],
  ): Promise<number> {
    const groupKey = await this.limits.runningGroup(parent.tenant);
    return this.database.transaction(async (tx) => {
      const rows = await this.insertMany(
        tx,
        children.map(({ line, spec }) => ({
          tenant: parent.tenant,
          spec,
          groupKey,
          parent: { id: parent.id, line },
        })),
      );
      const inserted = rows.filter(Boolean).length;
      await this.tasks.addChildren(tx, parent.id, inserted);
      return inserted;
    });
  }

  /**
   * Jobs, then tasks with their `created` events, in the caller's transaction. A batch child whose
   * line was done before is skipped (undefined in its place): its job is found by its key.
   */
  private async insertMany(tx: Db, items: NewTask[]): Promise<(TaskEntity | undefined)[]> {
    const ids = items.map(() => randomUUID());
    const jobs = await this.jobs.enqueueMany(
      items.map((item, i) => jobSpec(item, ids[i] ?? '')),
      { tx },
    );
    const inserted = await this.tasks.insert(
      tx,
      items.map((item, i) => taskRow(item, ids[i] ?? '', jobs[i])),
    );
    const byId = new Map(inserted.map((row) => [row.id, row]));
    return ids.map((id) => byId.get(id));
  }

  /** A batch line: its spec checked, and its file (if any) one of the tenant's. */
  async checkChildSpec(tenant: string, spec: TaskSpec): Promise<CheckedTaskSpec | FieldError[]> {
    const checked = await checkTaskSpec(this.processors, spec);
    if (Array.isArray(checked) || !checked.fileId) return checked;
    const file = isUuid(checked.fileId) ? await this.files.findById(checked.fileId) : undefined;
    if (file?.tenant === tenant) return checked;
    return [{ field: 'fileId', messages: [`there is no file with id ${checked.fileId}`] }];
  }

  /** fileId: a file of the caller's tenant (any tenant's for an admin), fit for the task. */
  private async checkFileId(caller: Caller, spec: CheckedTaskSpec): Promise<void> {
    const file =
      spec.fileId && isUuid(spec.fileId) ? await this.files.findById(spec.fileId) : undefined;
    if (!file || !inTenantScope(tenantScope(caller), file.tenant)) {
      throw validationProblem([
        { field: 'fileId', messages: [`there is no file with id ${spec.fileId}`] },
      ]);
    }
    checkInputFile(spec, { mediaType: file.mediaType, size: Number(file.size) }, 'fileId');
  }

  /** Job first: with an Idempotency-Key, its unique index is what makes concurrent creates wait. */
  private async insert(
    tx: Db,
    task: NewTask,
    fileId: string | undefined,
    idempotencyKey: string | undefined,
  ): Promise<CreatedTask> {
    const id = randomUUID();
    const jobKey = idempotencyKey && `task:${task.tenant}:${idempotencyKey}`;
    const job = await this.jobs.enqueue({ ...jobSpec(task, id), idempotencyKey: jobKey }, { tx });
    const existingId = (job.payload as { taskId?: string }).taskId;
    if (existingId !== id) {
      const existing = existingId && (await this.tasks.find(existingId, undefined, tx));
      if (existing) throw new Replayed(existing);
    }
    const [row] = await this.tasks.insert(tx, [
      {
        ...taskRow(task, id, job),
        input_file_id: fileId ?? null,
        idempotency_key: idempotencyKey ?? null,
      },
    ]);
    if (row) return { task: row, created: true };
    // The key's job is gone (retention) but its task is not.
    const earlier = await this.tasks.findByIdempotencyKey(tx, task.tenant, idempotencyKey ?? '');
    if (earlier) throw new Replayed(earlier);
    throw new Error(`task ${id} was not inserted`);
  }
}

/**
 * The group makes the queue cap the tenant's running tasks (its limit is set on the group); the
 * concurrency key is the tenant's, so that tenants never hold up each other's tasks.
 */
function jobSpec({ tenant, spec, groupKey, parent, traceParent }: NewTask, taskId: string) {
  const { meta } = spec.processor;
  return {
    type: `${TASK_JOB_PREFIX}${spec.type}`,
    queue: TASKS_QUEUE,
    groupKey,
    concurrencyKey: spec.concurrencyKey && `task:${tenant}:${spec.concurrencyKey}`,
    // The tenant: what a remote worker's claim is filtered by (its key's tenant).
    payload: { taskId, tenant },
    maxAttempts: meta.maxAttempts,
    timeoutMs: meta.timeoutMs,
    // A batch line done before (a re-run after a crash) finds its job by this key.
    idempotencyKey: parent && `task-child:${parent.id}:${parent.line}`,
    traceParent,
  };
}

function taskRow({ tenant, spec, parent }: NewTask, id: string, job: Job) {
  return {
    id,
    tenant,
    type: spec.type,
    input_file_id: spec.fileId ?? null,
    payload: spec.payload,
    options: spec.options,
    max_attempts: job.maxAttempts,
    job_id: job.id,
    idempotency_key: null,
    parent_id: parent?.id ?? null,
    parent_line: parent?.line ?? null,
    callback_url: spec.callbackUrl ?? null,
  };
}

function failed(message: string): never {
  throw new Error(message);
}
