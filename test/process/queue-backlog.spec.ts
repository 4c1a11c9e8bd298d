import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { QueryResultRow } from 'pg';
import { JobsService } from '../../src/jobs/jobs.service.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { spawnService, type ServiceProcess, workerSettings } from '../support/service-process.js';
import { QUICK_RUNS_TABLE } from '../support/queue-test-handlers.js';
import { procStatusBytes } from '../support/task-processes.js';

/** The service with the `test.quick` handler (test/support/backlog-worker-child.ts, built by `npm test`). */
const BACKLOG_WORKER = fileURLToPath(
  new URL('../../dist-test/test/support/backlog-worker-child.js', import.meta.url),
);

const BACKLOG = 200_000;
const ENQUEUE_BATCH = 10_000;
const MB = 1024 * 1024;

/**
 * A worker facing a backlog far larger than it can hold, with a lease short enough that any
 * outcome left waiting would lose it: claims must never outrun outcome writing.
 */
describe('the queue under a large backlog', () => {
  let database: TestDatabase;
  let api: TestApp;
  let dataDir: string;
  let worker: ServiceProcess | undefined;

  const one = async <Row extends QueryResultRow>(sql: string): Promise<Row> => {
    const [row] = await database.query<Row>(sql);
    if (!row) throw new Error(`no row from ${sql}`);
    return row;
  };
  const unfinished = async () =>
    (
      await one<{ n: number }>(
        "SELECT count(*)::int AS n FROM jobs WHERE type = 'test.quick' AND status IN ('queued', 'running')",
      )
    ).n;

  beforeEach(async () => {
    database = await createTestDatabase();
    dataDir = await mkdtemp(path.join(tmpdir(), 'taskyard-backlog-'));
    api = await startTestApp({ database, env: { ROLE: 'api' } });
    await database.query(QUICK_RUNS_TABLE);
  });
  afterEach(async () => {
    if (worker) {
      worker.child.kill('SIGTERM');
      const timer = setTimeout(() => worker?.child.kill('SIGKILL'), 10_000);
      await worker.exited;
      clearTimeout(timer);
      worker = undefined;
    }
    await api.close();
    await database.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('drains 200,000 quick jobs with a 3 s lease and prefetch 1,000: each runs once, no lease lapses, memory stays bounded', async () => {
    const jobs = api.app.get(JobsService);
    for (let queued = 0; queued < BACKLOG; queued += ENQUEUE_BATCH) {
      await jobs.enqueueMany(Array.from({ length: ENQUEUE_BATCH }, () => ({ type: 'test.quick' })));
    }
    // As autovacuum leaves a backlog that has sat a while: claims at full speed.
    await database.query('VACUUM ANALYZE jobs');
    const started = Date.now();
    worker = spawnService(
      {
        ...workerSettings(database.url, dataDir),
        LOG_LEVEL: 'warn',
        WORKER_CONCURRENCY: '10',
        WORKER_PREFETCH: '1000',
        DATABASE_POOL_SIZE: '4',
        JOBS_LEASE_MS: '3000',
        JOBS_REAPER_INTERVAL_MS: '500',
        JOBS_POLL_INTERVAL_MS: '200',
      },
      'testWorker',
      { script: BACKLOG_WORKER },
    );
    const pid = worker.child.pid ?? 0;
    // Polled, not awaited with a deadline in an assertion: a livelocked worker shows its numbers.
    const deadline = Date.now() + 90_000;
    while ((await unfinished()) > 0 && Date.now() < deadline) await sleep(500);
    const drainedInMs = Date.now() - started;
    const peakRss = await procStatusBytes(pid, 'VmHWM');
    // The last runs are recorded at shutdown.
    worker.child.kill('SIGTERM');
    const exited = await worker.exited;

    const statuses = Object.fromEntries(
      (
        await database.query<{ status: string; n: number }>(
          "SELECT status, count(*)::int AS n FROM jobs WHERE type = 'test.quick' GROUP BY status",
        )
      ).map((row) => [row.status, row.n]),
    );
    const runs = await one<{ runs: number; jobs: number; most: number }>(
      'SELECT count(*)::int AS runs, count(DISTINCT job_id)::int AS jobs, COALESCE(max(attempt), 0)::int AS most FROM test_quick_runs',
    );
    const lapsed = await one<{ n: number }>(
      "SELECT count(*)::int AS n FROM jobs WHERE type = 'test.quick' AND (attempts > 1 OR last_error LIKE 'lease expired%')",
    );
    const refusedLines = worker.lines.filter((line) =>
      line.includes('outcome not recorded'),
    ).length;
    console.log(
      `backlog of ${BACKLOG}: ${drainedInMs} ms, ${runs.runs} runs, peak RSS ${Math.round(peakRss / MB)} MB`,
    );

    expect(statuses).toEqual({ succeeded: BACKLOG });
    expect(runs).toEqual({ runs: BACKLOG, jobs: BACKLOG, most: 1 });
    expect(lapsed.n).toBe(0);
    expect(refusedLines).toBe(0);
    expect(peakRss).toBeGreaterThan(0);
    expect(peakRss).toBeLessThan(400 * MB);
    expect(exited).toEqual({ code: 0, signal: null });
  }, 150_000);
});
