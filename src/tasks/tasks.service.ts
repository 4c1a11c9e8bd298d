import { Injectable } from '@nestjs/common';
import { type Caller, inTenantScope, tenantScope } from '../auth/api-key.js';
import type { FileEntity } from '../files/file.entity.js';
import { FilesService } from '../files/files.service.js';
import { ProblemException } from '../http/problem.js';
import { validationProblem } from '../http/validation.js';
import { JobsService } from '../jobs/jobs.service.js';
import { ProcessorRegistry } from './processor-registry.js';
import {
  FINISHED_STATUSES,
  type TaskEventView,
  type TaskView,
  toEventView,
  toInputFileView,
  toTaskView,
} from './task.js';
import type { TaskEntity } from './task.entity.js';
import { TaskEventsListener } from './task-events.listener.js';
import { childrenWaiting, queuedWaiting, type TaskWaiting } from './task-waiting.js';
import type { ListEventsQuery, ListTasksQuery } from './tasks.dto.js';
import { TasksRepository } from './tasks.repository.js';

export interface TaskPage {
  items: TaskView[];
  /** Pass as `cursor` for the next page; null on the last one. */
  nextCursor: string | null;
}

/**
 * Finding tasks (one, by long poll, a page of them, a task's events) and acting on them; ids are
 * UUIDs (checked at the edge). Creating is TaskCreator's.
 */
/** How GET /tasks/:id waits: see `findChanged`. */
export interface TaskWait {
  waitMs: number;
  knownSeq?: number;
  untilFinished: boolean;
}

@Injectable()
export class TasksService {
  constructor(
    private readonly tasks: TasksRepository,
    private readonly processors: ProcessorRegistry,
    private readonly jobs: JobsService,
    private readonly files: FilesService,
    private readonly listener: TaskEventsListener,
  ) {}

  /** Tasks newest first, a page at a time with an opaque cursor. */
  async list(caller: Caller, query: ListTasksQuery): Promise<TaskPage> {
    const rows = await this.tasks.list({
      tenant: tenantScope(caller),
      statuses: query.status,
      type: query.type,
      createdAfter: query.createdAfter,
      createdBefore: query.createdBefore,
      after: query.cursor ? decodeCursor(query.cursor) : undefined,
      limit: query.limit + 1,
    });
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    return {
      items: page.map((row) => ({
        ...toTaskView(row, caller.role === 'admin'),
        inputFile: toInputFileView(row.inputFile),
      })),
      nextCursor: rows.length > query.limit && last ? encodeCursor(last.createdUs, last.id) : null,
    };
  }

  async events(caller: Caller, id: string, query: ListEventsQuery): Promise<TaskEventView[]> {
    const task = await this.find(caller, id);
    return (await this.tasks.events(task.id, query.after, query.limit)).map(toEventView);
  }

  async cancel(caller: Caller, id: string): Promise<TaskEntity> {
    const task = await this.find(caller, id);
    if (FINISHED_STATUSES.includes(task.status))
      throw conflict(`Task ${id} has already ${task.status}.`);
    if (!(task.awaitingChildren && (await this.tasks.cancelAwaiting(id)))) {
      await this.jobs.cancel(task.jobId);
    }
    if (task.childrenTotal > 0) {
      await this.jobs.cancelMany(await this.tasks.unfinishedChildJobs(id));
    }
    return this.find(caller, id);
  }

  /** Runs a failed or cancelled task again, with fresh attempts. */
  async retry(caller: Caller, id: string): Promise<TaskEntity> {
    const task = await this.find(caller, id);
    if (task.status !== 'failed' && task.status !== 'cancelled') {
      throw conflict(
        `Only a failed or cancelled task can be retried; task ${id} is ${task.status}.`,
      );
    }
    if (!(await this.jobs.retry(task.jobId))) {
      throw conflict(`Task ${id} can no longer be retried: its job has been removed by retention.`);
    }
    return this.find(caller, id);
  }

  /** Deletes a finished task with its events, artifacts and whatever its processor left. */
  async delete(caller: Caller, id: string): Promise<void> {
    const task = await this.find(caller, id);
    if (!FINISHED_STATUSES.includes(task.status)) {
      throw conflict(`Task ${id} is ${task.status}: cancel it, or wait until it has finished.`);
    }
    if (!(await this.deleteFinished(task))) throw conflict(`Task ${id} changed meanwhile.`);
  }

  /**
   * What deleting a finished task does (for DELETE /tasks/{id} and the failures admin routes):
   * its processor's cleanup, then the row with its events and artifacts, then the blobs no longer
   * used. False when it was no longer finished.
   */
  async deleteFinished(task: Pick<TaskEntity, 'id' | 'type' | 'tenant'>): Promise<boolean> {
    return (await this.deleteManyFinished([task])) === 1;
  }

  /**
   * deleteFinished for many tasks at once (retention, tenant deletion): the processors' cleanups,
   * then one statement for the rows, then the blobs. Answers how many were deleted.
   */
  async deleteManyFinished(tasks: Pick<TaskEntity, 'id' | 'type' | 'tenant'>[]): Promise<number> {
    if (tasks.length === 0) return 0;
    for (const task of tasks) await this.processors.get(task.type)?.instance.cleanup?.(task);
    const ids = tasks.map((task) => task.id);
    const blobs = await this.files.artifactBlobs(ids);
    const deleted = await this.tasks.deleteFinished(ids);
    await this.files.releaseBlobs(blobs);
    return deleted;
  }

  async find(caller: Caller, id: string): Promise<TaskEntity> {
    const task = await this.tasks.find(id, tenantScope(caller));
    if (!task) throw notFound(id);
    return task;
  }

  /**
   * `find`'s rule for a task read elsewhere (the gateway reads on a pool of its own): throws the
   * same 404 unless a task of `tenant` (undefined: there is none) is the caller's to see.
   */
  assertVisible(caller: Caller, id: string, tenant: string | undefined): void {
    if (tenant === undefined || !inTenantScope(tenantScope(caller), tenant)) throw notFound(id);
  }

  /**
   * The task, after waiting up to `waitMs` for it to change when it is at `knownSeq` (or, without
   * one, at its current state), or with `untilFinished` for it to finish. A finished task is
   * answered at once.
   */
  async findChanged(caller: Caller, id: string, wait: TaskWait): Promise<TaskEntity> {
    const { waitMs, knownSeq, untilFinished } = wait;
    if (waitMs <= 0) return this.find(caller, id);
    const deadline = Date.now() + waitMs;
    // Registered before each read, so that no event between the read and the wait is missed.
    let next = this.listener.nextEvent(id, waitMs);
    try {
      let task = await this.find(caller, id);
      const seen = knownSeq ?? task.lastSeq;
      const keepWaiting = (t: TaskEntity): boolean =>
        !FINISHED_STATUSES.includes(t.status) && (untilFinished || t.lastSeq === seen);
      while (keepWaiting(task)) {
        const seq = await next.promise;
        const remaining = deadline - Date.now();
        if (remaining <= 0) break;
        next = this.listener.nextEvent(id, remaining);
        // A late notification of an event the read already saw: keep waiting.
        if (seq !== undefined && seq <= task.lastSeq) continue;
        task = await this.find(caller, id);
      }
      return task;
    } finally {
      next.cancel();
    }
  }

  /**
   * Why the task is not running (`waiting` of a task read on its own): a queued task's job
   * explained by the claim's conditions, or a batch parent waiting for its children. One query
   * or two; list pages and events never pay for it.
   */
  async waiting(caller: Caller, task: TaskEntity): Promise<TaskWaiting | undefined> {
    if (task.status !== 'queued') return childrenWaiting(task);
    const wait = await this.jobs.explainWait(task.jobId);
    if (!wait) return undefined;
    const blockedBy =
      wait.blockedBy && (await this.tasks.idOfJob(wait.blockedBy, tenantScope(caller)));
    return queuedWaiting(task, wait, blockedBy ?? null);
  }

  async artifact(caller: Caller, id: string, name: string): Promise<FileEntity> {
    const task = await this.find(caller, id);
    const file = await this.files.findArtifact(task.id, name);
    if (!file) {
      throw new ProblemException({
        status: 404,
        detail: `Task ${id} has no artifact named "${name}".`,
      });
    }
    return file;
  }
}

function notFound(id: string): ProblemException {
  return new ProblemException({ status: 404, detail: `There is no task with id ${id}.` });
}

function conflict(detail: string): ProblemException {
  return new ProblemException({ status: 409, detail });
}

function encodeCursor(createdUs: string, id: string): string {
  return Buffer.from(`${createdUs}/${id}`).toString('base64url');
}

function decodeCursor(cursor: string): { createdUs: string; id: string } {
  const match = /^(\d{1,20})\/([0-9a-f-]{36})$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!match) {
    throw validationProblem([
      { field: 'cursor', messages: ['cursor is not one this API gave out'] },
    ]);
  }
  return { createdUs: match[1], id: match[2] };
}
