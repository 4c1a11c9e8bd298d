import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Caller } from '../auth/api-key.js';
import { isUuid } from '../auth/api-keys.service.js';
import { Database } from '../database/database.js';
import type { Db } from '../database/db.js';
import type { StagedBlob } from '../files/blob-storage.js';
import { FilesService } from '../files/files.service.js';
import { ProblemException } from '../http/problem.js';
import { type FieldError, validationProblem } from '../http/validation.js';
import type { Job } from '../jobs/job.js';
import { JobsService } from '../jobs/jobs.service.js';
import { TenantLimitsService } from '../tenants/tenant-limits.service.js';
import { ProcessorRegistry } from './processor-registry.js';
import { TASK_JOB_PREFIX, type TaskRow } from './task.js';
import { CreateBatcher } from './task-create-batcher.js';
import { type CheckedTaskSpec, checkTaskSpec, type TaskSpec } from './task-spec.js';
import { TasksRepository } from './tasks.repository.js';

export const TASKS_QUEUE = 'tasks';

export interface CreatedTask {
  task: TaskRow;
  /** False when an Idempotency-Key matched an existing task. */
  created: boolean;
}

export interface UploadedFile {
  staged: StagedBlob;
  name: string | null;
  mediaType: string;
}

/** A task to write: its checked spec, and for a batch child its parent and manifest line. */
interface NewTask {
  tenant: string;
  /** The queue group that caps the tenant's running tasks; none when it has no cap. */
  groupKey?: string;
  spec: CheckedTaskSpec;
  parent?: { id: string; line: number };
}

/** Thrown inside a transaction to roll it back when an idempotent create finds its earlier task. */
class Replayed extends Error {
  constructor(readonly task: TaskRow) {
    super('replayed');
  }
}

/** Writes new tasks: each with its job and its `created` event, in one transaction. */
@Injectable()
export class TaskCreator {
  private readonly batcher: CreateBatcher<NewTask, TaskRow>;

  constructor(
    private readonly database: Database,
    private readonly tasks: TasksRepository,
    private readonly processors: ProcessorRegistry,
    private readonly jobs: JobsService,
    private readonly files: FilesService,
    private readonly limits: TenantLimitsService,
  ) {
    this.batcher = new CreateBatcher((items) =>
      this.database.transaction(async (tx) => {
        const rows = await this.insertMany(tx, items);
        return rows.map((row) => row ?? failed('a task of the batch was not inserted'));
      }),
    );
  }

  async create(caller: Caller, spec: TaskSpec, idempotencyKey?: string): Promise<CreatedTask> {
    const checked = await this.check(spec, false);
    if (checked.fileId) await this.checkInputFile(caller, checked);
    const groupKey = await this.limits.runningGroup(caller.tenant);
    if (!idempotencyKey) {
      const task = await this.batcher.add({ tenant: caller.tenant, spec: checked, groupKey });
      return { task, created: true };
    }
    try {
      return await this.database.transaction((tx) =>
        this.insert(tx, caller.tenant, checked, {
          fileId: checked.fileId,
          idempotencyKey,
          groupKey,
        }),
      );
    } catch (error) {
      if (error instanceof Replayed) return { task: error.task, created: false };
      throw error;
    }
  }

  /** Multipart: the file and the task are stored together, or neither. */
  async createWithUpload(
    caller: Caller,
    spec: TaskSpec,
    file: UploadedFile,
    idempotencyKey?: string,
  ): Promise<CreatedTask> {
    let checked: CheckedTaskSpec;
    let groupKey: string | undefined;
    try {
      checked = await this.check(spec, true);
      checkInput(checked, { mediaType: file.mediaType, size: file.staged.size }, 'file');
      groupKey = await this.limits.runningGroup(caller.tenant);
    } catch (error) {
      await file.staged.discard();
      throw error;
    }
    try {
      return await this.files.storeWith(file.staged, async (tx) => {
        const row = await this.files.insertUpload(tx, caller.tenant, file.staged, file);
        return this.insert(tx, caller.tenant, checked, {
          fileId: row.id,
          idempotencyKey,
          groupKey,
        });
      });
    } catch (error) {
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
  private async insertMany(tx: Db, items: NewTask[]): Promise<(TaskRow | undefined)[]> {
    const ids = items.map(() => randomUUID());
    const jobs = await this.jobs.enqueueMany(
      items.map((item, i) => ({
        ...this.jobSpec(item.spec, ids[i] ?? '', item.groupKey),
        idempotencyKey: item.parent && `task-child:${item.parent.id}:${item.parent.line}`,
      })),
      { tx },
    );
    const inserted = await this.tasks.insert(
      tx,
      items.map((item, i) => ({
        ...this.taskRow(item.tenant, item.spec, ids[i] ?? '', jobs[i]),
        input_file_id: item.spec.fileId ?? null,
        parent_id: item.parent?.id ?? null,
        parent_line: item.parent?.line ?? null,
      })),
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

  /** A queued or running task is cancelled, and so are its unfinished children. */
  private async check(spec: TaskSpec, hasFile: boolean): Promise<CheckedTaskSpec> {
    const checked = await checkTaskSpec(this.processors, spec, hasFile);
    if (Array.isArray(checked)) throw validationProblem(checked);
    return checked;
  }

  private async checkInputFile(caller: Caller, spec: CheckedTaskSpec): Promise<void> {
    const file =
      spec.fileId && isUuid(spec.fileId) ? await this.files.findById(spec.fileId) : undefined;
    if (!file || (caller.role !== 'admin' && file.tenant !== caller.tenant)) {
      throw validationProblem([
        { field: 'fileId', messages: [`there is no file with id ${spec.fileId}`] },
      ]);
    }
    checkInput(spec, { mediaType: file.media_type, size: Number(file.size) }, 'fileId');
  }

  /** Job first: with an Idempotency-Key, its unique index is what makes concurrent creates wait. */
  private async insert(
    tx: Db,
    tenant: string,
    spec: CheckedTaskSpec,
    extra: { fileId?: string; idempotencyKey?: string; groupKey?: string },
  ): Promise<CreatedTask> {
    const id = randomUUID();
    const jobKey = extra.idempotencyKey && `task:${tenant}:${extra.idempotencyKey}`;
    const job = await this.jobs.enqueue(
      { ...this.jobSpec(spec, id, extra.groupKey), idempotencyKey: jobKey },
      { tx },
    );
    const existingId = (job.payload as { taskId?: string }).taskId;
    if (existingId !== id) {
      const existing = existingId && (await this.tasks.find(existingId, undefined, tx));
      if (existing) throw new Replayed(existing);
    }
    const [task] = await this.tasks.insert(tx, [
      {
        ...this.taskRow(tenant, spec, id, job),
        input_file_id: extra.fileId ?? null,
        idempotency_key: extra.idempotencyKey ?? null,
      },
    ]);
    if (task) return { task, created: true };
    // The key's job is gone (retention) but its task is not.
    const earlier = await this.tasks.findByIdempotencyKey(tx, tenant, extra.idempotencyKey ?? '');
    if (earlier) throw new Replayed(earlier);
    throw new Error(`task ${id} was not inserted`);
  }

  /** The group makes the queue cap the tenant's running tasks (its limit is set on the group). */
  private jobSpec(spec: CheckedTaskSpec, taskId: string, groupKey: string | undefined) {
    const { meta } = spec.processor;
    return {
      type: `${TASK_JOB_PREFIX}${spec.type}`,
      queue: TASKS_QUEUE,
      groupKey,
      payload: { taskId },
      maxAttempts: meta.maxAttempts,
      timeoutMs: meta.timeoutMs,
    };
  }

  private taskRow(tenant: string, spec: CheckedTaskSpec, id: string, job: Job) {
    return {
      id,
      tenant,
      type: spec.type,
      input_file_id: null,
      payload: spec.payload,
      options: spec.options,
      max_attempts: job.maxAttempts,
      job_id: job.id,
      idempotency_key: null,
      parent_id: null,
      parent_line: null,
    };
  }
}

/** A file task's input: of a type its processor reads, and not empty. */
function checkInput(
  spec: CheckedTaskSpec,
  file: { mediaType: string; size: number },
  field: string,
): void {
  if (file.size === 0) {
    throw validationProblem([
      { field, messages: [`${spec.type} needs a file with content; this one is empty`] },
    ]);
  }
  checkMediaType(spec, file.mediaType, field);
}

function checkMediaType(spec: CheckedTaskSpec, mediaType: string, field: string): void {
  const accepted = spec.processor.meta.mediaTypes;
  if (accepted && !accepted.includes(mediaType)) {
    throw new ProblemException({
      status: 415,
      detail: `${spec.type} accepts files of type ${accepted.join(', ')}; this one is ${mediaType}.`,
      extensions: { field, mediaType, accepted },
    });
  }
}

function failed(message: string): never {
  throw new Error(message);
}
