import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { hashApiKey } from '../../src/auth/api-key.js';
import { MIGRATIONS_DIR, readMigrations } from '../../src/database/migrator.js';
import { JobsService } from '../../src/jobs/jobs.service.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { bearer, createUserKey } from '../support/auth.js';
import { adminQuery, queryOnce, type TestDatabase, urlForDatabase } from '../support/database.js';
import { createTask, taskEvents, waitForTask } from '../support/tasks.js';

/** Every table of Taskyard's (the migrator's two among them). */
const TASKYARD_TABLES = [
  'api_keys',
  'files',
  'job_groups',
  'job_queues',
  'job_schedules',
  'jobs',
  'rate_limits',
  'remote_workers',
  'schema_migrations',
  'schema_repeatables',
  'socket_io_attachments',
  'task_events',
  'task_schedules',
  'tasks',
  'tenant_limits',
  'webhook_callback_secrets',
  'webhook_deliveries',
  'webhook_endpoints',
  'worker_processes',
];

/** A database with nothing in it, and no search_path in its URL: as a host application has it. */
async function plainDatabase(): Promise<TestDatabase> {
  const name = `taskyard_test_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  await adminQuery(`CREATE DATABASE ${name}`);
  const url = urlForDatabase(name);
  return {
    name,
    url,
    query: (sql, params) => queryOnce(url, sql, params),
    drop: () => adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).then(() => undefined),
  };
}

/** What Taskyard's migrator did before DATABASE_SCHEMA: migrations 0001–0005, all in public. */
async function migrateAsBefore(database: TestDatabase): Promise<void> {
  const client = new Client({ connectionString: database.url });
  await client.connect();
  try {
    await client.query(`
      CREATE TABLE schema_migrations (
        version    integer PRIMARY KEY,
        name       text NOT NULL,
        checksum   text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`);
    for (const migration of await readMigrations(MIGRATIONS_DIR)) {
      if (migration.version > 5) break;
      await client.query('BEGIN');
      await client.query(migration.sql);
      await client.query(
        'INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)',
        [migration.version, migration.name, migration.checksum],
      );
      await client.query('COMMIT');
    }
  } finally {
    await client.end();
  }
}

async function tablesIn(database: TestDatabase, schema: string): Promise<string[]> {
  const rows = await database.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables
      WHERE table_schema = $1 AND table_type = 'BASE TABLE' ORDER BY table_name`,
    [schema],
  );
  return rows.map((row) => row.table_name);
}

describe("Taskyard's own schema", () => {
  describe('an installation made before it had one', () => {
    const key = 'ty_before-the-schema-0123456789abcdef';
    const finishedId = randomUUID();
    const queuedId = randomUUID();
    let database: TestDatabase;
    let testApp: TestApp;

    beforeAll(async () => {
      database = await plainDatabase();
      await migrateAsBefore(database);
      await database.query(
        `INSERT INTO api_keys (tenant, name, role, key_hash, key_prefix)
         VALUES ('acme', 'old', 'user', $1, 'ty_before')`,
        [hashApiKey(key)],
      );
      // A task that finished, and one still queued with its job: the new code must run it.
      await database.query(
        `WITH done AS (
           INSERT INTO jobs (queue, type, payload, status, attempts, result, finished_at)
           VALUES ('tasks', 'task:echo', jsonb_build_object('taskId', $1::uuid), 'succeeded', 1,
                   '{"said": "before"}', now())
           RETURNING id
         ), waiting AS (
           INSERT INTO jobs (queue, type, payload) VALUES ('tasks', 'task:echo', jsonb_build_object('taskId', $2::uuid))
           RETURNING id
         )
         INSERT INTO tasks (id, tenant, type, status, payload, result, attempts, max_attempts, job_id, last_seq)
         SELECT $1, 'acme', 'echo', 'succeeded'::task_status, '{"said": "before"}'::jsonb,
                '{"said": "before"}'::jsonb, 1, 3, done.id, 2 FROM done
         UNION ALL
         SELECT $2, 'acme', 'echo', 'queued', '{"said": "waiting"}', NULL, 0, 3, waiting.id, 1
           FROM waiting`,
        [finishedId, queuedId],
      );
      await database.query(
        `INSERT INTO task_events (task_id, seq, kind, data) VALUES
           ($1, 1, 'created', NULL), ($1, 2, 'succeeded', '{"result": {"said": "before"}}'),
           ($2, 1, 'created', NULL)`,
        [finishedId, queuedId],
      );
      testApp = await startTestApp({ database, env: { JOBS_POLL_INTERVAL_MS: '100' } });
    });
    afterAll(async () => {
      await testApp?.close();
      await database.drop();
    });

    it('moves every table into the taskyard schema and leaves none in public', async () => {
      expect(await tablesIn(database, 'taskyard')).toEqual(TASKYARD_TABLES);
      expect(await tablesIn(database, 'public')).toEqual([]);
      const [types] = await database.query<{ types: string[] }>(
        `SELECT array_agg(typname::text ORDER BY typname) AS types FROM pg_type
          WHERE typnamespace = 'taskyard'::regnamespace AND typname IN ('job_status', 'task_status')`,
      );
      expect(types?.types).toEqual(['job_status', 'task_status']);
      const functions = await database.query(
        `SELECT proname FROM pg_proc WHERE pronamespace = 'public'::regnamespace`,
      );
      expect(functions).toEqual([]);
    });

    it('keeps the data: old keys work and old tasks read back with their events', async () => {
      const response = await request(testApp.baseUrl)
        .get(`/api/v1/tasks/${finishedId}`)
        .set(bearer(key))
        .expect(200);
      expect(response.body).toMatchObject({ status: 'succeeded', result: { said: 'before' } });
      const events = await taskEvents(testApp.baseUrl, key, finishedId);
      expect(events.map((event) => event.kind)).toEqual(['created', 'succeeded']);
    });

    it('runs the task that was queued before the move, and new ones', async () => {
      const waited = await waitForTask(testApp.baseUrl, key, queuedId);
      expect(waited).toMatchObject({ status: 'succeeded', result: { said: 'waiting' } });
      const task = await createTask(testApp.baseUrl, key, { type: 'echo', payload: { n: 1 } });
      expect(await waitForTask(testApp.baseUrl, key, task.id)).toMatchObject({
        status: 'succeeded',
        result: { n: 1 },
      });
      const events = await taskEvents(testApp.baseUrl, key, task.id);
      expect(events.map((event) => event.kind)).toEqual(['created', 'started', 'succeeded']);
    });

    it('records later migrations in the moved table', async () => {
      const versions = await database.query<{ version: number }>(
        'SELECT version FROM taskyard.schema_migrations ORDER BY version',
      );
      const files = await readMigrations(MIGRATIONS_DIR);
      expect(versions.map((row) => row.version)).toEqual(files.map((file) => file.version));
    });
  });

  describe('a database whose application has its own jobs, tasks and files', () => {
    let database: TestDatabase;
    let testApp: TestApp;
    let host: DataSource;
    const HOST_TABLES = `
      CREATE TABLE jobs (id serial PRIMARY KEY, title text NOT NULL);
      CREATE TABLE tasks (id serial PRIMARY KEY, done boolean NOT NULL);
      CREATE TABLE files (id serial PRIMARY KEY, path text NOT NULL);
      -- As golang-migrate keeps it: the same name as Taskyard's, not Taskyard's.
      CREATE TABLE schema_migrations (version bigint PRIMARY KEY, dirty boolean NOT NULL);
      INSERT INTO jobs (title) VALUES ('write the report');
      INSERT INTO tasks (done) VALUES (true);
      INSERT INTO files (path) VALUES ('/srv/report.pdf');
      INSERT INTO schema_migrations VALUES (20240101, false);`;
    const hostState = () =>
      database.query(
        `SELECT (SELECT json_agg(j) FROM jobs j) AS jobs, (SELECT json_agg(t) FROM tasks t) AS tasks,
                (SELECT json_agg(f) FROM files f) AS files,
                (SELECT json_agg(m) FROM schema_migrations m) AS migrations`,
      );
    let before: unknown;

    beforeAll(async () => {
      database = await plainDatabase();
      await database.query(HOST_TABLES);
      before = await hostState();
      testApp = await startTestApp({ database, env: { JOBS_POLL_INTERVAL_MS: '100' } });
      host = new DataSource({ type: 'postgres', url: database.url });
      await host.initialize();
    });
    afterAll(async () => {
      await host?.destroy();
      await testApp?.close();
      await database.drop();
    });

    it("runs tasks in its own schema and leaves the application's tables as they were", async () => {
      const { baseUrl } = testApp;
      const key = await createUserKey(baseUrl, 'acme');
      const task = await createTask(baseUrl, key, { type: 'echo', payload: { n: 2 } });
      expect(await waitForTask(baseUrl, key, task.id)).toMatchObject({ status: 'succeeded' });

      expect(await hostState()).toEqual(before);
      expect(await tablesIn(database, 'public')).toEqual([
        'files',
        'jobs',
        'schema_migrations',
        'tasks',
      ]);
      expect(await tablesIn(database, 'taskyard')).toEqual(TASKYARD_TABLES);
    });

    it("enqueues and cancels in the application's transaction, whose search_path is public", async () => {
      const jobs = testApp.app.get(JobsService);
      const spec = { type: 'host.later', delayMs: 3_600_000, idempotencyKey: 'host-1' };
      const [first, again] = await host.transaction(async (manager) => {
        const [path] = (await manager.query('SHOW search_path')) as { search_path: string }[];
        expect(path?.search_path).toBe('"$user", public');
        const job = await jobs.enqueue(spec, { manager });
        return [job, await jobs.enqueue(spec, { manager })];
      });
      expect(again.id).toBe(first.id);
      const [stored] = await database.query('SELECT type FROM taskyard.jobs WHERE id = $1', [
        first.id,
      ]);
      expect(stored).toEqual({ type: 'host.later' });

      const cancelled = await host.transaction((manager) =>
        jobs.cancelMany([first.id], { manager }),
      );
      expect(cancelled.map((job) => job.status)).toEqual(['cancelled']);
      expect(await hostState()).toEqual(before);
    });
  });
});
