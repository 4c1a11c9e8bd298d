import { Injectable } from '@nestjs/common';
import type { Span } from '@opentelemetry/api';
import type { Readable } from 'node:stream';
import { type Caller, tenantScope } from '../auth/api-key.js';
import { AppConfig } from '../config/app-config.js';
import { Database } from '../database/database.js';
import type { FileEntity } from '../files/file.entity.js';
import { FilesService } from '../files/files.service.js';
import { ProblemException, uploadTooLarge } from '../http/problem.js';
import { validationProblem } from '../http/validation.js';
import { retryDelayMs } from '../jobs/backoff.js';
import type { ClaimedJob } from '../jobs/job.js';
import { claimJobs } from '../jobs/sql/claim.sql.js';
import { finishJobs, type Outcome } from '../jobs/sql/finish.sql.js';
import { renewLeases } from '../jobs/sql/lease.sql.js';
import { ProcessorRegistry } from '../tasks/processor-registry.js';
import type { RemoteTaskType } from '../tasks/remote-task-types.js';
import { TaskTypeCatalog } from '../tasks/remote-task-types.js';
import { TASK_JOB_PREFIX, type TaskView, toTaskView } from '../tasks/task.js';
import type { TaskEntity } from '../tasks/task.entity.js';
import { TASKS_QUEUE } from '../tasks/task-creator.js';
import { TasksRepository } from '../tasks/tasks.repository.js';
import { inSpan, parentOf, recordError, taskAttributes } from '../tracing/spans.js';
import { JobsWakeup } from './jobs-wakeup.js';
import {
  findLease,
  type LeaseRow,
  registerRemoteWorker,
  remoteOwner,
  type RemoteWorkerRow,
  runningByType,
  touchLeaseOwner,
  touchRemoteWorker,
} from './remote-workers.sql.js';

export interface RemoteWorkerView {
  name: string;
  tenant: string;
  types: RemoteTaskType[];
  registeredAt: Date;
  lastSeenAt: Date;
}

export interface ClaimedTaskView {
  id: string;
  type: string;
  tenant: string;
  attempt: number;
  leaseToken: string;
  leaseExpiresAt: Date;
  payload: unknown;
  options: unknown;
  input: { url: string; name: string | null; size: number; mediaType: string } | null;
}

/** A task's job as a report found it: its lease checked against the caller's token. */
interface HeldLease {
  task: TaskEntity;
  job: LeaseRow & { lease_token: string };
}

export const LEASE_LOST_SLUG = 'lease-lost';

/**
 * The remote worker protocol (docs/remote-workers.md): registration, claims through the queue's
 * claim statement, and reports fenced by the job's lease token, written by the same finish
 * statement as the in-process worker's outcomes (so the tasks trigger, task events and Socket.IO
 * updates follow alike).
 */
@Injectable()
export class RemoteWorkersService {
  constructor(
    private readonly database: Database,
    private readonly config: AppConfig,
    private readonly processors: ProcessorRegistry,
    private readonly catalog: TaskTypeCatalog,
    private readonly tasks: TasksRepository,
    private readonly files: FilesService,
    private readonly wakeup: JobsWakeup,
  ) {}

  async register(caller: Caller, name: string, types: RemoteTaskType[]): Promise<RemoteWorkerView> {
    const seen = new Set<string>();
    types.forEach(({ type, options }, i) => {
      if (this.processors.get(type)) {
        throw new ProblemException({
          status: 409,
          slug: 'built-in-type',
          detail: `Task type "${type}" is run by a built-in processor; a remote worker cannot serve it.`,
          extensions: { type },
        });
      }
      if (seen.has(type)) {
        throw validationProblem([
          { field: `types.${i}.type`, messages: [`${type} is listed twice`] },
        ]);
      }
      seen.add(type);
      const problem = options && this.catalog.schemaProblem(options);
      if (problem) {
        throw validationProblem([
          { field: `types.${i}.options`, messages: [`not a valid JSON Schema: ${problem}`] },
        ]);
      }
    });
    const stored = types.map((t) => ({ ...t, concurrency: t.concurrency ?? 1 }));
    return toView(await registerRemoteWorker(this.database.pool, caller.tenant, name, stored));
  }

  /**
   * Up to `max` tasks of the worker's types (within each type's concurrency), through the queue's
   * claim statement. With `waitMs`, an empty claim waits for the queue's NOTIFY and claims again
   * until something is claimed or the time is up.
   */
  async claim(
    caller: Caller,
    name: string,
    wanted: { types?: string[]; max?: number },
    waitMs: number,
    /** Aborted when the client has gone: nothing more is claimed for it. */
    gone?: AbortSignal,
  ): Promise<ClaimedTaskView[]> {
    const worker = await this.worker(caller, name);
    const registered = new Map(worker.types.map((t) => [t.type, t]));
    const types = wanted.types ?? [...registered.keys()];
    const unknown = types.filter((t) => !registered.has(t));
    if (unknown.length > 0) {
      throw validationProblem([
        { field: 'types', messages: [`not registered by ${name}: ${unknown.join(', ')}`] },
      ]);
    }
    const deadline = Date.now() + waitMs;
    for (;;) {
      if (gone?.aborted) return [];
      const waiting =
        waitMs > 0 ? await this.wakeup.waiter(TASKS_QUEUE, deadline - Date.now()) : undefined;
      const stopWaiting = () => waiting?.cancel();
      gone?.addEventListener('abort', stopWaiting, { once: true });
      try {
        const claimed = await this.claimOnce(caller, worker, types, registered, wanted, gone);
        if (claimed.length > 0 || !waiting || Date.now() >= deadline) return claimed;
        await waiting.woken;
      } finally {
        gone?.removeEventListener('abort', stopWaiting);
        waiting?.cancel();
      }
      if (Date.now() >= deadline) return [];
    }
  }

  /** The input file of a task the caller holds a lease on. */
  async input(caller: Caller, name: string, taskId: string, token: unknown): Promise<FileEntity> {
    await this.worker(caller, name);
    const { task } = await this.lease(caller, taskId, token);
    const file = task.inputFileId ? await this.files.findById(task.inputFileId) : undefined;
    if (!file) {
      throw new ProblemException({ status: 404, detail: `Task ${taskId} has no input file.` });
    }
    return file;
  }

  async heartbeat(
    caller: Caller,
    taskId: string,
    token: unknown,
  ): Promise<{ leaseExpiresAt: Date; cancelRequested: boolean }> {
    const { job } = await this.lease(caller, taskId, token);
    const { leaseMs } = this.config.remoteWorkers;
    const [renewed] = await renewLeases(
      this.database.pool,
      [{ id: job.id, token: job.lease_token }],
      leaseMs,
    );
    if (!renewed) throw leaseLost(taskId);
    if (job.lease_owner) await touchLeaseOwner(this.database.pool, job.lease_owner);
    return {
      leaseExpiresAt: new Date(Date.now() + leaseMs),
      cancelRequested: renewed.cancel_requested,
    };
  }

  async progress(
    caller: Caller,
    taskId: string,
    token: unknown,
    progress: { percent?: number; message?: string },
  ): Promise<void> {
    const { task, job } = await this.lease(caller, taskId, token);
    const value = {
      percent: progress.percent ?? 0,
      ...(progress.message ? { message: progress.message } : {}),
    };
    if (!(await this.tasks.writeProgress(task.id, job.attempts, value))) throw leaseLost(taskId);
  }

  async partial(caller: Caller, taskId: string, token: unknown, data: unknown): Promise<void> {
    const { task, job } = await this.lease(caller, taskId, token);
    if (!(await this.tasks.writePartial(task.id, job.attempts, data ?? null))) {
      throw leaseLost(taskId);
    }
  }

  async artifact(
    caller: Caller,
    taskId: string,
    token: unknown,
    name: string,
    body: { content: Readable; mediaType: string; declaredBytes: number },
  ): Promise<{ name: string; size: number; mediaType: string }> {
    const { maxUploadBytes } = this.config.files;
    if (body.declaredBytes > maxUploadBytes) throw uploadTooLarge(maxUploadBytes);
    const { task } = await this.lease(caller, taskId, token);
    const { content, mediaType } = body;
    const file = await this.files.storeArtifact(task, name, content, mediaType, maxUploadBytes);
    return { name, size: Number(file.size), mediaType: file.mediaType };
  }

  async complete(
    caller: Caller,
    taskId: string,
    token: unknown,
    result: unknown,
  ): Promise<TaskView> {
    const { task, job } = await this.lease(caller, taskId, token);
    return inTaskSpan('task.complete', task, job, () =>
      this.finish(caller, taskId, job, { status: 'succeeded', result: result ?? null }),
    );
  }

  async fail(
    caller: Caller,
    taskId: string,
    token: unknown,
    error: { message: string; code?: string },
    retryable = true,
  ): Promise<TaskView> {
    const { task, job } = await this.lease(caller, taskId, token);
    const { backoffBaseMs: baseMs, backoffMaxMs: maxMs } = this.config.jobs;
    const again = retryable && job.attempts < job.max_attempts;
    const text = `${error.code ?? 'RemoteWorkerError'}: ${error.message}`;
    return inTaskSpan('task.fail', task, job, async (span) => {
      recordError(span, new Error(text));
      return this.finish(caller, taskId, job, {
        status: again ? 'queued' : 'failed',
        error: text,
        errorKind: 'error',
        errorDetail: error.message,
        ...(again && { retryInMs: retryDelayMs(job.attempts, { baseMs, maxMs }) }),
      });
    });
  }

  private async finish(
    caller: Caller,
    taskId: string,
    job: HeldLease['job'],
    outcome: Omit<Outcome, 'id' | 'token' | 'groupKey'>,
  ): Promise<TaskView> {
    const refused = await finishJobs(this.database.pool, [
      { ...outcome, id: job.id, token: job.lease_token, groupKey: job.group_key },
    ]);
    if (refused.has(job.id)) throw leaseLost(taskId);
    const task = await this.tasks.find(taskId, tenantScope(caller));
    if (!task) throw notFound(taskId);
    return toTaskView(task, caller.role === 'admin');
  }

  private async worker(caller: Caller, name: string): Promise<RemoteWorkerRow> {
    const worker = await touchRemoteWorker(this.database.pool, caller.tenant, name);
    if (!worker) {
      throw new ProblemException({
        status: 404,
        detail: `There is no remote worker named ${name}: register it with PUT /api/v1/workers/${name}.`,
      });
    }
    return worker;
  }

  private async claimOnce(
    caller: Caller,
    worker: RemoteWorkerRow,
    types: string[],
    registered: Map<string, RemoteTaskType>,
    { max = 1 }: { max?: number },
    gone?: AbortSignal,
  ): Promise<ClaimedTaskView[]> {
    const owner = remoteOwner(worker.tenant, worker.name);
    const jobTypes = types.map((t) => `${TASK_JOB_PREFIX}${t}`);
    const running = await runningByType(this.database.pool, owner, jobTypes);
    const room = types.map(
      (t) => (registered.get(t)?.concurrency ?? 1) - (running.get(`${TASK_JOB_PREFIX}${t}`) ?? 0),
    );
    const open = jobTypes.filter((_, i) => (room[i] ?? 0) > 0);
    const limit = Math.min(
      max,
      room.reduce((sum, n) => sum + Math.max(0, n), 0),
    );
    if (open.length === 0 || limit === 0) return [];
    const scope = tenantScope(caller);
    const { leaseMs } = this.config.remoteWorkers;
    const claimed = await this.claimJobs(owner, open, limit, leaseMs, scope);
    if (gone?.aborted) {
      // The answer cannot reach a client that has gone: back to the queue at once, the attempt
      // not counted, rather than waiting out the lease.
      await finishJobs(
        this.database.pool,
        claimed.map((job) => ({
          id: job.id,
          token: job.leaseToken,
          groupKey: job.groupKey,
          status: 'queued' as const,
          release: true,
        })),
      );
      return [];
    }
    const views: ClaimedTaskView[] = [];
    for (const job of claimed) {
      const view = await this.claimedView(job, worker.name, leaseMs);
      if (view) views.push(view);
    }
    return views;
  }

  /** The claim statement, tried again when two claimers raced for one concurrency key. */
  private async claimJobs(
    owner: string,
    types: string[],
    limit: number,
    leaseMs: number,
    tenant: string | undefined,
  ): Promise<ClaimedJob[]> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await claimJobs(this.database.pool, {
          workerId: owner,
          types,
          queues: [TASKS_QUEUE],
          fullQueues: [],
          limit,
          leaseMs,
          groupMaxRunning: this.config.jobs.groupMaxRunning,
          ...(tenant !== undefined && { payloadContains: { tenant } }),
        });
      } catch (error) {
        if ((error as { code?: string }).code !== '23505' || attempt >= 3) throw error;
      }
    }
  }

  /** A claimed job as the worker gets it; a task gone or ended meanwhile ends its job here. */
  private async claimedView(
    job: ClaimedJob,
    workerName: string,
    leaseMs: number,
  ): Promise<ClaimedTaskView | undefined> {
    const { taskId } = job.payload as { taskId: string };
    const task = await this.tasks.find(taskId);
    if (!task || task.status !== 'running' || task.attempts !== job.attempts) {
      await finishJobs(this.database.pool, [
        { id: job.id, token: job.leaseToken, groupKey: job.groupKey, status: 'succeeded' },
      ]);
      return undefined;
    }
    const claim = { trace_parent: job.traceParent ?? null, attempts: job.attempts };
    return inTaskSpan('task.claim', task, claim, async (span) => {
      span?.setAttribute('taskyard.worker', workerName);
      const file = task.inputFileId ? await this.files.findById(task.inputFileId) : undefined;
      return {
        id: task.id,
        type: task.type,
        tenant: task.tenant,
        attempt: job.attempts,
        leaseToken: job.leaseToken,
        leaseExpiresAt: new Date(Date.now() + leaseMs),
        payload: task.payload,
        options: task.options,
        input: file
          ? {
              url: `/api/v1/workers/${workerName}/tasks/${task.id}/input`,
              name: file.name,
              size: Number(file.size),
              mediaType: file.mediaType,
            }
          : null,
      };
    });
  }

  /** The task's job, still leased under `token`: else 409 (404 for a task the caller cannot see). */
  private async lease(caller: Caller, taskId: string, token: unknown): Promise<HeldLease> {
    if (typeof token !== 'string' || token === '') {
      throw validationProblem([
        { field: 'leaseToken', messages: ['leaseToken (or the Lease-Token header) is required'] },
      ]);
    }
    const task = await this.tasks.find(taskId, tenantScope(caller));
    if (!task) throw notFound(taskId);
    const job = await findLease(this.database.pool, task.jobId);
    if (!job || job.status !== 'running' || job.lease_token === null || job.lease_token !== token) {
      throw leaseLost(taskId);
    }
    return { task, job: job as HeldLease['job'] };
  }
}

/** A remote worker's report, as a span of the task's trace (src/tracing). */
function inTaskSpan<T>(
  name: string,
  task: TaskEntity,
  job: Pick<LeaseRow, 'trace_parent' | 'attempts'>,
  work: (span?: Span) => Promise<T>,
): Promise<T> {
  const parent = job.trace_parent ? parentOf(job.trace_parent) : undefined;
  return inSpan(name, parent, { attributes: taskAttributes(task, job.attempts) }, work);
}

function toView(row: RemoteWorkerRow): RemoteWorkerView {
  return {
    name: row.name,
    tenant: row.tenant,
    types: row.types,
    registeredAt: row.registered_at,
    lastSeenAt: row.last_seen_at,
  };
}

function notFound(id: string): ProblemException {
  return new ProblemException({ status: 404, detail: `There is no task with id ${id}.` });
}

function leaseLost(id: string): ProblemException {
  return new ProblemException({
    status: 409,
    slug: LEASE_LOST_SLUG,
    title: 'Lease lost',
    detail: `The lease on task ${id} has expired or passed to another claim: drop this attempt.`,
  });
}
