import { Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import { Pool } from 'pg';
import { AppConfig } from '../../src/config/app-config.js';
import { pgConnectionSettings } from '../../src/database/connection-options.js';
import { Database } from '../../src/database/database.js';
import { JobHandler, type JobContext } from '../../src/jobs/job-handler.decorator.js';
import { JobsService } from '../../src/jobs/jobs.service.js';

/** One row per run of a `test.quick` job. UNLOGGED: recording must stay cheaper than the queue. */
export const QUICK_RUNS_TABLE = `
CREATE UNLOGGED TABLE IF NOT EXISTS test_quick_runs (
  job_id bigint NOT NULL, attempt integer NOT NULL, pid integer NOT NULL)`;

/** One row per run of a `test.abortable` job: what its signal said, and when its handler ended. */
export const ABORTABLE_RUNS_TABLE = `
CREATE TABLE IF NOT EXISTS test_abortable_runs (
  job_id bigint NOT NULL, pid integer NOT NULL, reason text, stopped_at timestamptz)`;

/** Payload of `test.enqueue-race`. */
export interface EnqueueRace {
  /** The idempotency key every transaction enqueues with. */
  key: string;
  transactions: number;
  /** An advisory lock the test holds: every transaction waits on it, then all enqueue at once. */
  lockId: number;
}

/**
 * Enqueues one job with `key` from `transactions` transactions, each on its own connection, all
 * released at once by the test's advisory lock; answers the job id each one got.
 */
export function raceEnqueues(
  database: Database,
  jobs: JobsService,
  { key, transactions, lockId }: EnqueueRace,
): Promise<string[]> {
  return Promise.all(
    Array.from({ length: transactions }, () =>
      database.manager.transaction(async (manager) => {
        await manager.query('SELECT pg_advisory_xact_lock_shared($1)', [lockId]);
        const job = await jobs.enqueue(
          { type: 'race.nobody-handles-this', idempotencyKey: key },
          { manager },
        );
        // The transaction goes on with its own work before it commits: the others' inserts meet
        // this one uncommitted.
        await manager.query('SELECT pg_sleep(0.05)');
        return job.id;
      }),
    ),
  );
}

/**
 * A `test.quick` handler returns at once, as a no-op does, so that handlers outrun anything that
 * waits on the database. Its run is recorded in the background, many runs per insert; the last
 * ones are written at shutdown, after the worker has stopped running handlers.
 */
@Injectable()
class QuickJobHandler implements OnApplicationShutdown {
  private readonly pool: Pool;
  private runs: { jobId: string; attempt: number }[] = [];
  private inserting?: Promise<void>;

  constructor(config: AppConfig) {
    this.pool = new Pool({
      ...pgConnectionSettings(config.database, { synchronous_commit: 'off' }),
      max: 1,
    });
  }

  @JobHandler('test.quick')
  handle(_payload: unknown, context: JobContext): void {
    this.runs.push({ jobId: context.jobId, attempt: context.attempt });
    this.inserting ??= this.insert().finally(() => (this.inserting = undefined));
  }

  private async insert(): Promise<void> {
    while (this.runs.length > 0) {
      const batch = this.runs.splice(0);
      await this.pool.query(
        'INSERT INTO test_quick_runs (job_id, attempt, pid) SELECT id, attempt, $3 FROM unnest($1::bigint[], $2::int[]) AS r(id, attempt)',
        [batch.map((r) => r.jobId), batch.map((r) => r.attempt), process.pid],
      );
    }
  }

  /** Called after the worker's beforeApplicationShutdown: no handler runs any more. */
  async onApplicationShutdown(): Promise<void> {
    await this.inserting;
    await this.insert();
    await this.pool.end();
  }
}

/** Handlers whose every step the tests read from the database, whichever process runs them. */
@Injectable()
class RecordingJobHandlers {
  constructor(
    private readonly database: Database,
    private readonly jobs: JobsService,
  ) {}

  @JobHandler('test.enqueue-race')
  async enqueueRace(payload: EnqueueRace): Promise<{ pid: number; ids: string[] }> {
    return { pid: process.pid, ids: await raceEnqueues(this.database, this.jobs, payload) };
  }

  /** Waits for its signal, records the reason and that it stopped, and ends with that reason. */
  @JobHandler('test.abortable')
  async abortable(_payload: unknown, context: JobContext): Promise<never> {
    const params = [context.jobId, process.pid];
    await this.database.query(
      'INSERT INTO test_abortable_runs (job_id, pid) VALUES ($1, $2)',
      params,
    );
    const { signal } = context;
    const reason = await new Promise<unknown>((resolve) => {
      if (signal.aborted) resolve(signal.reason);
      else signal.addEventListener('abort', () => resolve(signal.reason), { once: true });
    });
    await this.database.query(
      'UPDATE test_abortable_runs SET reason = $3, stopped_at = clock_timestamp() WHERE job_id = $1 AND pid = $2',
      [...params, (reason as Error).name],
    );
    throw reason;
  }
}

/** `test.quick`: nothing but a record of the run, for backlogs. */
@Module({ providers: [QuickJobHandler] })
export class QuickJobHandlerModule {}

/** `test.enqueue-race` and `test.abortable`. */
@Module({ providers: [RecordingJobHandlers] })
export class RecordingJobHandlersModule {}
