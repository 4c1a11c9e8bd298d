import { DataSource } from 'typeorm';
import { runMigrations } from '../../src/database/migrator.js';
import { problemType } from '../../src/http/problem.js';
import { ERROR_KINDS } from '../../src/jobs/errors.js';
import { TASK_EVENTS_CHANNEL } from '../../src/tasks/task-events.listener.js';
import { TASK_JOB_PREFIX, TASK_PROBLEMS } from '../../src/tasks/task.js';
import { CALLBACK_EVENT_TYPES } from '../../src/webhooks/webhook-events.js';
import { FANOUT_JOB_TYPE, WEBHOOKS_QUEUE } from '../../src/webhooks/webhook-jobs.js';
import { JOBS_CHANNEL } from '../../src/jobs/db.js';
import { WORKER_KINDS } from '../../src/worker/worker-process.js';
import { createTestDatabase, TEST_SCHEMA, type TestDatabase } from '../support/database.js';

/**
 * The contracts between the database functions (migrations/repeatable/functions.sql) and the
 * TypeScript that shares them, read back from a migrated database.
 */
describe('constants shared by SQL and TypeScript', () => {
  let database: TestDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = new DataSource({ type: 'postgres', url: database.url });
    await dataSource.initialize();
    await runMigrations(dataSource, TEST_SCHEMA);
  });
  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  const one = async <Row extends object>(sql: string, params: unknown[] = []): Promise<Row> => {
    const [row] = await database.query<Row & Record<string, unknown>>(sql, params);
    if (!row) throw new Error(`no row from ${sql}`);
    return row;
  };

  it('task events are announced on the channel the listener listens on', async () => {
    const { definition } = await one<{ definition: string }>(
      `SELECT pg_get_functiondef('task_event_insert'::regproc) AS definition`,
    );
    expect(definition).toContain(`pg_notify('${TASK_EVENTS_CHANNEL}',`);
  });

  it('the tasks trigger follows the jobs whose type has the task prefix', async () => {
    const { definition } = await one<{ definition: string }>(
      `SELECT pg_get_triggerdef(oid) AS definition FROM pg_trigger WHERE tgname = 'jobs_tasks_follow'`,
    );
    expect(definition).toContain(`new.type ~~ '${TASK_JOB_PREFIX}%'::text`);
  });

  it('task events queue the webhook fan-out job that src/webhooks handles', async () => {
    const { definition } = await one<{ definition: string }>(
      `SELECT pg_get_functiondef('task_events_webhooks'::regproc) AS definition`,
    );
    expect(definition).toContain(`VALUES ('${WEBHOOKS_QUEUE}', '${FANOUT_JOB_TYPE}',`);
    expect(definition).toContain(`pg_notify('${JOBS_CHANNEL}', 'queue:${WEBHOOKS_QUEUE}')`);
  });

  it("the fan-out is queued for a task's callback on exactly the callback events", async () => {
    const { definition } = await one<{ definition: string }>(
      `SELECT pg_get_functiondef('task_events_webhooks'::regproc) AS definition`,
    );
    const kinds = CALLBACK_EVENT_TYPES.map((type) => `'${type.replace(/^task\./, '')}'`);
    expect(definition).toContain(`NEW.kind IN (${kinds.join(', ')})`);
  });

  /** The text values a CHECK constraint allows. */
  const allowedBy = async (constraint: string): Promise<(string | undefined)[]> => {
    const { definition } = await one<{ definition: string }>(
      `SELECT pg_get_constraintdef(oid) AS definition FROM pg_constraint WHERE conname = $1`,
      [constraint],
    );
    return [...definition.matchAll(/'([^']+)'::text/g)].map((match) => match[1]).sort();
  };

  it('jobs.error_kind takes exactly the error kinds TypeScript records', async () => {
    expect(await allowedBy('jobs_error_kind_check')).toEqual([...ERROR_KINDS].sort());
  });

  it('worker_processes.kind takes exactly the kinds TypeScript names, but remote', async () => {
    // Remote workers are rows of remote_workers; the registry's listing adds them as kind remote.
    const stored = WORKER_KINDS.filter((kind) => kind !== 'remote');
    expect(await allowedBy('worker_processes_kind_check')).toEqual([...stored].sort());
  });

  it("a task's problem has the type and title TypeScript names, for each way it can end", async () => {
    const cases = [
      { status: 'cancelled', kind: 'cancelled', problem: TASK_PROBLEMS.cancelled },
      { status: 'cancelled', kind: null, problem: TASK_PROBLEMS.cancelled },
      { status: 'failed', kind: 'timeout', problem: TASK_PROBLEMS.timeout },
      { status: 'failed', kind: 'error', problem: TASK_PROBLEMS.failed },
      { status: 'failed', kind: 'lease-expired', problem: TASK_PROBLEMS.failed },
      { status: 'queued', kind: 'error', problem: TASK_PROBLEMS.failed },
    ];
    for (const { status, kind, problem } of cases) {
      const { error } = await one<{ error: unknown }>(
        `SELECT task_problem($1::job_status, $2, 'why') AS error`,
        [status, kind],
      );
      expect(error).toEqual({
        type: problemType(problem.slug),
        title: problem.title,
        detail: 'why',
      });
    }
  });
});
