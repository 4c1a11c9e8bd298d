import { setTimeout as sleep } from 'node:timers/promises';
import { Injectable, Module } from '@nestjs/common';
import { Database } from '../../src/database/database.js';
import { PermanentJobError } from '../../src/jobs/errors.js';
import { JobHandler, type JobContext } from '../../src/jobs/job-handler.decorator.js';

/** What a `test.run` job does; every field is optional. */
export interface TestJobPayload {
  label?: string;
  sleepMs?: number;
  /** Wait until the job's signal fires (cancel, timeout, shutdown). */
  hang?: boolean;
  /** Throw on every attempt before this one. */
  failUntilAttempt?: number;
  permanent?: boolean;
}

/** Every attempt of a test job, as its handler saw it: the truth across processes. */
export const TEST_RUNS_TABLE = `
CREATE TABLE IF NOT EXISTS test_job_runs (
  id         bigserial PRIMARY KEY,
  job_id     bigint NOT NULL,
  type       text NOT NULL,
  label      text,
  attempt    integer NOT NULL,
  pid        integer NOT NULL,
  started_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  ended_at   timestamptz,
  -- The handler's own clock when it began: started_at is when its insert ran, which can be later
  -- (a pool connection to wait for, a process stopped in between).
  handler_started_at timestamptz
)`;

/** In-process record of attempts whose signal fired, with the reason's name. */
export const abortedAttempts: { jobId: string; reason: string }[] = [];

/** Job handlers for the tests: they record each attempt in test_job_runs. */
@Injectable()
export class TestJobHandlers {
  constructor(private readonly database: Database) {}

  @JobHandler('test.run', { backoff: { baseMs: 20, maxMs: 100 } })
  async run(
    payload: TestJobPayload,
    context: JobContext,
  ): Promise<{ label: string | null; attempt: number; pid: number }> {
    const runId = await this.recordStart('test.run', payload.label ?? null, context);
    if (payload.sleepMs) await sleep(payload.sleepMs, undefined, { signal: context.signal });
    if (payload.hang) await this.untilAborted(context);
    if (payload.permanent) throw new PermanentJobError('this job can never succeed');
    if (payload.failUntilAttempt && context.attempt < payload.failUntilAttempt) {
      throw new Error(`attempt ${context.attempt} fails on purpose`);
    }
    await this.database.query(
      'UPDATE test_job_runs SET ended_at = clock_timestamp() WHERE id = $1',
      [runId],
    );
    return { label: payload.label ?? null, attempt: context.attempt, pid: process.pid };
  }

  @JobHandler('test.tick', { cron: '* * * * * *' })
  async tick(_payload: unknown, context: JobContext): Promise<void> {
    const runId = await this.recordStart('test.tick', null, context);
    await this.database.query(
      'UPDATE test_job_runs SET ended_at = clock_timestamp() WHERE id = $1',
      [runId],
    );
  }

  private untilAborted(context: JobContext): Promise<never> {
    const { signal } = context;
    return new Promise((_, reject) => {
      const aborted = () => {
        abortedAttempts.push({ jobId: context.jobId, reason: (signal.reason as Error).name });
        reject(new Error('aborted'));
      };
      if (signal.aborted) aborted();
      else signal.addEventListener('abort', aborted, { once: true });
    });
  }

  private async recordStart(
    type: string,
    label: string | null,
    context: JobContext,
  ): Promise<string> {
    const { rows } = await this.database.query<{ id: string }>(
      'INSERT INTO test_job_runs (job_id, type, label, attempt, pid, handler_started_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id',
      [context.jobId, type, label, context.attempt, process.pid, new Date()],
    );
    return rows[0]?.id ?? '';
  }
}

@Module({ providers: [TestJobHandlers] })
export class TestJobHandlersModule {}
