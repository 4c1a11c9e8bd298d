import { Injectable } from '@nestjs/common';
import { JobsService } from '../../jobs/jobs.service.js';
import { TasksService } from '../tasks.service.js';
import { type FailureFilter, FailuresRepository } from './failures.repository.js';

/** Tasks one call retries or discards at most: a big group takes several calls, none long. */
export const FAILURES_PER_CALL = 1000;

export interface FailureGroup {
  key: string;
  type: string;
  error: { type: string; title: string; detail: string };
  count: number;
  firstSeen: Date;
  lastSeen: Date;
  sampleTaskId: string;
}

export interface FailuresActed {
  affected: number;
  /** Failed tasks the same call would still select: repeat it while this is above 0. */
  remaining: number;
}

/**
 * Failed tasks grouped by error, and the group actions. They keep the rules of the one-task
 * routes: a retry is JobsService.retry's statement (the job's trigger moves the task to queued and
 * appends its `retrying` event), a discard is TasksService.deleteFinished, as DELETE /tasks/{id}.
 */
@Injectable()
export class FailuresService {
  constructor(
    private readonly failures: FailuresRepository,
    private readonly jobs: JobsService,
    private readonly tasks: TasksService,
  ) {}

  async groups(filter: FailureFilter): Promise<FailureGroup[]> {
    return (await this.failures.groups(filter)).map((row) => ({
      key: row.key,
      type: row.type,
      error: { type: row.problem_type, title: row.title, detail: row.detail },
      count: row.count,
      firstSeen: row.first_seen,
      lastSeen: row.last_seen,
      sampleTaskId: row.sample_task_id,
    }));
  }

  /** A task retried meanwhile by someone else is not counted: its job was no longer failed. */
  async retry(filter: FailureFilter): Promise<FailuresActed> {
    const picked = await this.failures.pick(filter, FAILURES_PER_CALL, true);
    const retried = await this.jobs.retryMany(picked.map((task) => task.jobId));
    return { affected: retried.length, remaining: await this.failures.count(filter, true) };
  }

  /** One task at a time, as DELETE /tasks/{id} does it (its processor's cleanup first). */
  async discard(filter: FailureFilter): Promise<FailuresActed> {
    let affected = 0;
    for (const task of await this.failures.pick(filter, FAILURES_PER_CALL, false)) {
      if (await this.tasks.deleteFinished(task)) affected++;
    }
    return { affected, remaining: await this.failures.count(filter, false) };
  }
}
