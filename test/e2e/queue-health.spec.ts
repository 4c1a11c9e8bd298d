import request from 'supertest';
import { startTestApp, type TestApp } from '../support/app.js';
import { scrape, valueOf } from '../support/metrics.js';
import { type OpenApiDocument, responseSchema, schemaErrors } from '../support/openapi.js';

const ROUTE = '/health/queue';

/** A job row as the queue leaves it; `run_at`, `started_at` and `lease_expires_at` are SQL. */
async function insertJob(
  app: TestApp,
  job: { queue?: string; status: 'queued' | 'running'; runAt?: string; startedAt?: string } & {
    leaseExpiresAt?: string;
    timeoutMs?: number;
  },
): Promise<void> {
  await app.database.query(
    `INSERT INTO jobs (queue, type, status, run_at, started_at, lease_owner, lease_token,
                       lease_expires_at, timeout_ms, attempts)
     VALUES ($1, 'test.health', $2::job_status, ${job.runAt ?? 'now()'}, ${job.startedAt ?? 'NULL'},
             CASE WHEN $2 = 'running' THEN 'elsewhere:1' END,
             CASE WHEN $2 = 'running' THEN nextval('job_lease_tokens') END,
             ${job.leaseExpiresAt ?? 'NULL'}, $3, CASE WHEN $2 = 'running' THEN 1 ELSE 0 END)`,
    [job.queue ?? 'reports', job.status, job.timeoutMs ?? null],
  );
}

/** A worker process row as another process leaves it; `lastSeenAt` is SQL. */
async function insertWorker(app: TestApp, id: string, lastSeenAt: string, gone = false) {
  await app.database.query(
    `INSERT INTO worker_processes
       (id, role, host, pid, version, started_at, concurrency, types, queues, last_seen_at, gone_at)
     VALUES ($1, 'worker', 'elsewhere', 1, '0.0.1', now() - interval '1 day', 2, '{test.health}',
             '{}', ${lastSeenAt}, CASE WHEN $2 THEN ${lastSeenAt} END)`,
    [id, gone],
  );
}

/**
 * The API role runs no worker, reaper or scheduler: the rows each test writes stay as written, so
 * every figure is the test's own.
 */
describe('GET /health/queue', () => {
  let app: TestApp;
  let document: OpenApiDocument;

  const get = () => request(app.baseUrl).get(ROUTE);

  beforeAll(async () => {
    app = await startTestApp({
      env: { ROLE: 'api', HEALTH_QUEUE_MAX_WAIT_MS: '60000', WORKERS_GONE_AFTER_MS: '60000' },
    });
    document = (await request(app.baseUrl).get('/docs-json').expect(200)).body as OpenApiDocument;
  });
  afterAll(() => app?.close());
  afterEach(() =>
    app.database.query('DELETE FROM jobs; DELETE FROM worker_processes; DELETE FROM job_queues'),
  );

  const expectShape = (response: request.Response) => {
    const status = String(response.status);
    const schema = responseSchema(document, ROUTE, 'get', status);
    expect([status, schemaErrors(document, schema, response.body)]).toEqual([status, []]);
    expect(response.headers['cache-control']).toBe('no-cache, no-store, must-revalidate');
  };

  it('is up with each figure beside its threshold on an empty queue', async () => {
    const response = await get().expect(200);
    expectShape(response);
    expect(response.body).toEqual({
      status: 'ok',
      info: response.body.details,
      error: {},
      details: {
        backlog: { status: 'up', oldestWaitMs: 0, maxWaitMs: 60000 },
        stuck: { status: 'up', stuck: 0, maxStuck: 0 },
        workers: { status: 'up', alive: 0, minWorkers: 1, stale: 0, maxStaleWorkers: 0 },
      },
    });
  });

  it('ignores a paused queue and jobs not yet due, then fails on a backlog older than allowed', async () => {
    await insertWorker(app, 'alive:1', 'now()');
    await app.database.query(`INSERT INTO job_queues (name, paused) VALUES ('reports', true)`);
    await insertJob(app, { status: 'queued', runAt: `now() - interval '1 hour'` });
    await insertJob(app, { queue: 'mail', status: 'queued', runAt: `now() + interval '1 hour'` });
    const paused = await get().expect(200);
    expect(paused.body.details.backlog).toEqual({
      status: 'up',
      oldestWaitMs: 0,
      maxWaitMs: 60000,
    });

    await app.database.query(`UPDATE job_queues SET paused = false WHERE name = 'reports'`);
    const late = await get().expect(503);
    expectShape(late);
    expect(late.body.status).toBe('error');
    expect(Object.keys(late.body.error)).toEqual(['backlog']);
    expect(late.body.error.backlog.status).toBe('down');
    expect(late.body.error.backlog.oldestWaitMs).toBeGreaterThanOrEqual(3_600_000);
    expect(late.body.error.backlog.message).toMatch(/oldest runnable job has waited \d+ ms/);
    expect(late.body.info).toMatchObject({ stuck: { status: 'up' }, workers: { alive: 1 } });
    const metrics = await scrape(app.baseUrl);
    expect(valueOf(metrics, 'taskyard_jobs_oldest_runnable_wait_seconds')).toBeGreaterThanOrEqual(
      3600,
    );
    expect(valueOf(metrics, 'taskyard_workers_alive')).toBe(1);
    // A backlog is no reason to take this process out of a load balancer.
    await request(app.baseUrl).get('/health/ready').expect(200);
  });

  it('fails on no alive worker while a job is runnable, and not while none is', async () => {
    await insertWorker(app, 'gone:1', `now() - interval '1 minute'`, true);
    await insertJob(app, { status: 'queued', runAt: `now() + interval '1 hour'` });
    expect((await get().expect(200)).body.details.workers.alive).toBe(0);

    await insertJob(app, { status: 'queued' });
    const response = await get().expect(503);
    expect(Object.keys(response.body.error)).toEqual(['workers']);
    expect(response.body.error.workers).toMatchObject({ alive: 0, minWorkers: 1, stale: 0 });
    expect(response.body.error.workers.message).toMatch(/0 workers alive while jobs are runnable/);
  });

  it('fails on running jobs past their time limit or with a lease long run out', async () => {
    await insertWorker(app, 'alive:1', 'now()');
    // Healthy: started now, its lease renewed.
    await insertJob(app, {
      status: 'running',
      startedAt: 'now()',
      leaseExpiresAt: `now() + interval '30 seconds'`,
    });
    // Its lease ran out an hour ago, and no reaper returned it.
    await insertJob(app, {
      status: 'running',
      startedAt: `now() - interval '2 hours'`,
      leaseExpiresAt: `now() - interval '1 hour'`,
      timeoutMs: 86_400_000,
    });
    // Its lease is renewed, but it has run an hour over its 1 s limit.
    await insertJob(app, {
      status: 'running',
      startedAt: `now() - interval '1 hour'`,
      leaseExpiresAt: `now() + interval '30 seconds'`,
      timeoutMs: 1000,
    });
    const response = await get().expect(503);
    expectShape(response);
    expect(Object.keys(response.body.error)).toEqual(['stuck']);
    expect(response.body.error.stuck).toMatchObject({ status: 'down', stuck: 2, maxStuck: 0 });
    expect(response.body.error.stuck.message).toBe('2 running jobs are stuck, over 0');
    expect(valueOf(await scrape(app.baseUrl), 'taskyard_jobs_stuck')).toBe(2);
  });

  it('fails on a worker process gone silent without stopping, within the window only', async () => {
    await insertWorker(app, 'alive:1', 'now()');
    await insertWorker(app, 'stopped:1', `now() - interval '10 minutes'`, true);
    await insertWorker(app, 'long-gone:1', `now() - interval '3 hours'`);
    expect((await get().expect(200)).body.details.workers).toMatchObject({ alive: 1, stale: 0 });

    await insertWorker(app, 'silent:1', `now() - interval '10 minutes'`);
    const response = await get().expect(503);
    expect(Object.keys(response.body.error)).toEqual(['workers']);
    expect(response.body.error.workers).toMatchObject({ alive: 1, stale: 1, maxStaleWorkers: 0 });
    expect(response.body.error.workers.message).toMatch(/1 worker processes went silent/);
    expect(valueOf(await scrape(app.baseUrl), 'taskyard_workers_stale')).toBe(1);
  });

  it('takes its thresholds from the settings', async () => {
    const lenient = await startTestApp({
      database: app.database,
      env: {
        ROLE: 'api',
        HEALTH_QUEUE_MAX_WAIT_MS: '86400000',
        HEALTH_QUEUE_MAX_STUCK: '1',
        HEALTH_QUEUE_MIN_WORKERS: '0',
      },
    });
    try {
      await insertJob(app, { status: 'queued', runAt: `now() - interval '1 hour'` });
      await insertJob(app, {
        status: 'running',
        startedAt: `now() - interval '2 hours'`,
        leaseExpiresAt: `now() - interval '1 hour'`,
      });
      expect((await get().expect(503)).body.error).toHaveProperty('backlog');
      const response = await request(lenient.baseUrl).get(ROUTE).expect(200);
      expect(response.body.details).toMatchObject({
        backlog: { status: 'up', maxWaitMs: 86_400_000 },
        stuck: { status: 'up', stuck: 1, maxStuck: 1 },
        workers: { status: 'up', alive: 0, minWorkers: 0 },
      });
    } finally {
      await lenient.close();
    }
  });
});
