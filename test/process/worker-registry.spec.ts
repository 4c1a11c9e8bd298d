import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import request from 'supertest';
import type { WorkerProcess } from '../../src/client/index.js';
import { JobsService } from '../../src/jobs/jobs.service.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { ADMIN } from '../support/auth.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { spawnService, type ServiceProcess, workerSettings } from '../support/service-process.js';
import { TEST_RUNS_TABLE } from '../support/test-handlers.js';
import { waitFor } from '../support/wait.js';

const GONE_AFTER_MS = 1500;
/** Every process, the reading one too, with the same settings. */
const REGISTRY_SETTINGS = {
  WORKERS_HEARTBEAT_MS: '200',
  WORKERS_GONE_AFTER_MS: String(GONE_AFTER_MS),
};
const VERSION = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  }
).version;

/** Real worker processes (dist-test/) against one database, read by an API-only app in this one. */
describe('the registry of worker processes', () => {
  let database: TestDatabase;
  let api: TestApp;
  let dataDir: string;
  const workers: ServiceProcess[] = [];

  const startWorker = async (): Promise<ServiceProcess> => {
    const worker = spawnService(
      {
        ...workerSettings(database.url, dataDir),
        LOG_LEVEL: 'info',
        WORKER_CONCURRENCY: '3',
        ...REGISTRY_SETTINGS,
        JOBS_POLL_INTERVAL_MS: '200',
      },
      'testWorker',
    );
    workers.push(worker);
    await worker.waitForLine(/"msg":"Taskyard listening/);
    return worker;
  };
  const list = async (query: Record<string, string> = {}): Promise<WorkerProcess[]> =>
    (await request(api.baseUrl).get('/api/v1/admin/workers').query(query).set(ADMIN).expect(200))
      .body as WorkerProcess[];
  const listed = async (worker: ServiceProcess): Promise<WorkerProcess | undefined> =>
    (await list()).find((w) => w.pid === worker.child.pid);
  /** What the process itself wrote: gone_at is set only by a clean stop. */
  const goneAtInDatabase = async (worker: ServiceProcess): Promise<Date | null | undefined> => {
    const rows = await database.query<{ gone_at: Date | null }>(
      'SELECT gone_at FROM worker_processes WHERE pid = $1',
      [worker.child.pid],
    );
    return rows[0]?.gone_at;
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    dataDir = await mkdtemp(path.join(tmpdir(), 'taskyard-registry-'));
    api = await startTestApp({
      database,
      env: { ROLE: 'api', ...REGISTRY_SETTINGS },
    });
    await database.query(TEST_RUNS_TABLE);
  });
  afterAll(async () => {
    await Promise.all(
      workers.map(async (worker) => {
        if (worker.child.exitCode === null && worker.child.signalCode === null) {
          worker.child.kill('SIGKILL');
        }
        await worker.exited;
      }),
    );
    await api?.close();
    await database?.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('lists two worker processes alive with their pid, host, version, types and concurrency, heartbeating; not the API process', async () => {
    const [first, second] = [await startWorker(), await startWorker()];
    const seen = await waitFor('both to be listed', async () => {
      const all = await list();
      return all.length === 2 && all;
    });
    expect(seen.map((w) => w.pid)).toEqual([second?.child.pid, first?.child.pid]);
    for (const worker of seen) {
      expect(worker).toEqual({
        id: expect.any(String),
        kind: 'process',
        status: 'alive',
        role: 'worker',
        host: hostname(),
        pid: worker.pid,
        version: VERSION,
        startedAt: expect.any(String),
        concurrency: 3,
        inFlight: 0,
        types: expect.arrayContaining(['test.run', 'task:echo', 'taskyard.jobs.prune']),
        queues: [],
        lastSeenAt: expect.any(String),
        goneAt: null,
        tenant: null,
      });
      expect(worker.id).toMatch(/:[0-9a-f]{6}$/);
      expect(worker.id.startsWith(`${hostname()}:${worker.pid}:`)).toBe(true);
    }
    expect(seen.some((w) => w.pid === process.pid)).toBe(false);

    const lastSeen = new Map(seen.map((w) => [w.id, Date.parse(w.lastSeenAt)]));
    await waitFor('a heartbeat from each', async () =>
      (await list()).every((w) => Date.parse(w.lastSeenAt) > (lastSeen.get(w.id) ?? Infinity)),
    );
  });

  it('counts the jobs a worker is running, under the id that holds their lease', async () => {
    const jobs = api.app.get(JobsService);
    const job = await jobs.enqueue({ type: 'test.run', payload: { label: 'busy', sleepMs: 3000 } });
    // Another worker may be running a maintenance job meanwhile, so look for the lease holder.
    const owner = await waitFor('a worker to take the job', async () => {
      const running = await jobs.get(job.id);
      return running?.status === 'running' && running.leaseOwner;
    });
    const busy = await waitFor('the lease holder to report it running', async () =>
      (await list()).find((w) => w.id === owner && w.inFlight >= 1),
    );
    expect(workers.map((w) => w.child.pid)).toContain(busy.pid);
    await waitFor('the job to end', async () => (await jobs.get(job.id))?.status === 'succeeded');
    await waitFor('the worker to report it done', async () =>
      (await list()).every((w) => w.inFlight === 0),
    );
  });

  it('marks a worker stopped with SIGTERM gone at once, by its own word', async () => {
    const worker = await startWorker();
    await waitFor('it to be listed', () => listed(worker));
    worker.child.kill('SIGTERM');
    expect(await worker.exited).toEqual({ code: 0, signal: null });

    expect(await goneAtInDatabase(worker)).toBeInstanceOf(Date);
    expect(await listed(worker)).toMatchObject({
      status: 'gone',
      goneAt: expect.any(String),
      inFlight: 0,
    });
    const gone = await list({ status: 'gone' });
    expect(gone.map((w) => w.pid)).toContain(worker.child.pid);
    expect(gone.every((w) => w.status === 'gone')).toBe(true);
    const alive = await list({ status: 'alive' });
    expect(alive.map((w) => w.pid)).not.toContain(worker.child.pid);
    expect(alive.every((w) => w.status === 'alive')).toBe(true);
  });

  it('reports a worker killed with -9 gone once WORKERS_GONE_AFTER_MS passes without a heartbeat', async () => {
    const worker = await startWorker();
    await waitFor('it to be listed', () => listed(worker));
    worker.child.kill('SIGKILL');
    await worker.exited;

    const gone = await waitFor('it to be reported gone', async () => {
      const found = await listed(worker);
      return found?.status === 'gone' && found;
    });
    // Nobody said it was gone: its silence did.
    expect(await goneAtInDatabase(worker)).toBeNull();
    expect(Date.parse(gone.goneAt ?? '')).toBe(Date.parse(gone.lastSeenAt) + GONE_AFTER_MS);
    expect((await list({ status: 'gone' })).map((w) => w.id)).toContain(gone.id);
    // The workers of the first test still beat.
    expect((await list({ status: 'alive' })).length).toBe(2);
  });
});
