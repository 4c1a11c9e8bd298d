// The service with one quick job type, `test.quick`, whose every run is recorded in
// test_quick_runs (made by the test): run as a child process by the backlog test (compiled to dist-test/).
import 'reflect-metadata';
import { Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import { Pool } from 'pg';
import { runService } from '../../src/bootstrap.js';
import { AppConfig } from '../../src/config/app-config.js';
import { JobHandler, type JobContext } from '../../src/jobs/job-handler.decorator.js';

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
      connectionString: config.database.url,
      max: 1,
      options: '-c synchronous_commit=off',
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

@Module({ providers: [QuickJobHandler] })
class QuickJobHandlerModule {}

await runService({ providers: [QuickJobHandlerModule] });
