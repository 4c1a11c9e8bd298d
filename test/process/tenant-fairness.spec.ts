import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { ADMIN, bearer, createUserKey, TEST_ADMIN_KEY } from '../support/auth.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { listeningPort, spawnService, type ServiceProcess } from '../support/service-process.js';
import { waitFor } from '../support/wait.js';

const CAP = 2;
const SLOTS_PER_WORKER = 3;
const BACKLOG = 40;

interface TenantCounts {
  queued: number;
  running: number;
  succeeded: number;
  /** Worker processes holding the tenant's running jobs. */
  workers: number;
}

/**
 * One tenant's backlog against another's few tasks, on an API process and two worker processes:
 * the running-tasks cap is the queue's group cap, which holds across processes.
 */
describe('tenant fairness across worker processes', () => {
  let database: TestDatabase;
  let dataDir: string;
  const services: ServiceProcess[] = [];

  const start = async (role: 'api' | 'worker') => {
    const service = spawnService({
      DATABASE_URL: database.url,
      DATA_DIR: dataDir,
      PORT: '0',
      HOST: '127.0.0.1',
      ROLE: role,
      LOG_LEVEL: 'info',
      ADMIN_API_KEY: TEST_ADMIN_KEY,
      RATE_LIMIT_PER_MINUTE: '0',
      TASKS_TENANT_MAX_RUNNING: String(CAP),
      WORKER_CONCURRENCY: String(SLOTS_PER_WORKER),
      // A worker holds no more jobs than it runs, so a cap above one worker's slots needs both.
      WORKER_PREFETCH: '0',
      JOBS_POLL_INTERVAL_MS: '100',
    });
    services.push(service);
    return `http://127.0.0.1:${await listeningPort(service)}`;
  };

  const countsOf = async (tenant: string): Promise<TenantCounts> => {
    const [row] = await database.query<TenantCounts>(
      `SELECT count(*) FILTER (WHERE t.status = 'queued')::int AS queued,
              count(*) FILTER (WHERE t.status = 'running')::int AS running,
              count(*) FILTER (WHERE t.status = 'succeeded')::int AS succeeded,
              count(DISTINCT j.lease_owner) FILTER (WHERE j.status = 'running')::int AS workers
       FROM tasks t JOIN jobs j ON j.id = t.job_id WHERE t.tenant = $1`,
      [tenant],
    );
    return row;
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    dataDir = await mkdtemp(path.join(tmpdir(), 'taskyard-fairness-data-'));
  });
  afterAll(async () => {
    await Promise.all(
      services.splice(0).map(async (service) => {
        service.child.kill('SIGKILL');
        await service.exited;
      }),
    );
    await database?.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it("runs a small tenant's tasks while a big tenant's backlog waits at its cap", async () => {
    const api = await start('api');
    await Promise.all([start('worker'), start('worker')]);
    const big = await createUserKey(api, 'big');
    const small = await createUserKey(api, 'small');
    const post = (key: string, ms: number) =>
      request(api)
        .post('/api/v1/tasks')
        .set(bearer(key))
        .send({ type: 'sleep', options: { ms } })
        .expect(202);

    // The big tenant's tasks would take every slot of both workers for a minute.
    for (let i = 0; i < BACKLOG; i++) await post(big, 60_000);
    await waitFor('the big tenant to reach its cap', async () => {
      const counts = await countsOf('big');
      return counts.running === CAP && counts;
    });
    for (let i = 0; i < 4; i++) await post(small, 50);

    await waitFor(
      'the small tenant to finish',
      async () => (await countsOf('small')).succeeded === 4,
      30_000,
    );
    expect(await countsOf('big')).toMatchObject({ running: CAP, queued: BACKLOG - CAP });
    const [group] = await database.query<{ running: number }>(
      `SELECT running FROM job_groups WHERE key = 'tenant:big'`,
    );
    expect(group?.running).toBe(CAP);

    // An admin raises the cap beyond one worker's slots: both processes take the tenant's jobs.
    const raised = SLOTS_PER_WORKER + 1;
    await request(api)
      .put('/api/v1/admin/tenants/big/limits')
      .set(ADMIN)
      .send({ maxRunningTasks: raised })
      .expect(200);
    const counts = await waitFor('the raised cap to be used', async () => {
      const now = await countsOf('big');
      return now.running === raised && now;
    });
    expect(counts).toMatchObject({ queued: BACKLOG - raised, workers: 2 });
  }, 120_000);
});
