import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from 'pg';
import { Database } from '../../src/database/database.js';
import { JobsService } from '../../src/jobs/jobs.service.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { spawnService, type ServiceProcess, workerSettings } from '../support/service-process.js';
import { TEST_RUNS_TABLE } from '../support/test-handlers.js';
import {
  ABORTABLE_RUNS_TABLE,
  type EnqueueRace,
  raceEnqueues,
} from '../support/queue-test-handlers.js';
import { maxOverlap, type RunRow } from '../support/runs.js';
import { waitFor } from '../support/wait.js';

/** The service with the test handlers and the recording ones (test/support/queue-worker-child.ts). */
const QUEUE_WORKER = fileURLToPath(
  new URL('../../dist-test/test/support/queue-worker-child.js', import.meta.url),
);

/** Guarantees that span processes: real worker processes (dist-test/) against one database. */
describe('the queue across worker processes', () => {
  let database: TestDatabase;
  let api: TestApp;
  let jobs: JobsService;
  let dataDir: string;
  let workers: ServiceProcess[] = [];

  const startWorkers = async (
    count: number,
    env: Record<string, string> = {},
  ): Promise<ServiceProcess[]> => {
    const started = Array.from({ length: count }, () =>
      spawnService(
        {
          ...workerSettings(database.url, dataDir),
          LOG_LEVEL: 'info',
          WORKER_CONCURRENCY: '4',
          JOBS_LEASE_MS: '1500',
          JOBS_REAPER_INTERVAL_MS: '200',
          JOBS_POLL_INTERVAL_MS: '200',
          ...env,
        },
        'testWorker',
        { script: QUEUE_WORKER },
      ),
    );
    workers.push(...started);
    await Promise.all(started.map((w) => w.waitForLine(/"msg":"Taskyard listening/)));
    return started;
  };
  const runs = (where = 'true', params: unknown[] = []) =>
    database.query<RunRow>(
      `SELECT * FROM test_job_runs WHERE ${where} ORDER BY started_at`,
      params,
    );
  const statusOf = async (id: string) => (await jobs.get(id))?.status;
  const allSucceeded = async (ids: string[]) => {
    const [row] = await database.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM jobs WHERE id = ANY($1::bigint[]) AND status = 'succeeded'",
      [ids],
    );
    return row?.n === ids.length;
  };

  beforeEach(async () => {
    database = await createTestDatabase();
    dataDir = await mkdtemp(path.join(tmpdir(), 'taskyard-workers-'));
    // The enqueuing side: an API-only application in this process.
    api = await startTestApp({ database, env: { ROLE: 'api' } });
    await database.query(TEST_RUNS_TABLE);
    await database.query(ABORTABLE_RUNS_TABLE);
    jobs = api.app.get(JobsService);
  });
  afterEach(async () => {
    await Promise.all(
      workers.splice(0).map(async (worker) => {
        worker.child.kill('SIGTERM');
        const timer = setTimeout(() => worker.child.kill('SIGKILL'), 10_000);
        await worker.exited;
        clearTimeout(timer);
      }),
    );
    await api.close();
    await database.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('runs a job again on another process after its worker is killed with -9 mid-job', async () => {
    const byPid = new Map((await startWorkers(2)).map((w) => [w.child.pid, w]));
    const job = await jobs.enqueue({
      type: 'test.run',
      payload: { label: 'victim', sleepMs: 2500 },
    });
    const first = await waitFor(
      'the job to start',
      async () => (await runs('job_id = $1', [job.id]))[0],
    );
    byPid.get(first.pid)?.child.kill('SIGKILL');

    await waitFor(
      'the job to succeed elsewhere',
      async () => (await statusOf(job.id)) === 'succeeded',
      20_000,
    );
    const attempts = await runs('job_id = $1', [job.id]);
    expect(attempts.map((r) => r.attempt)).toEqual([1, 2]);
    expect(attempts[1]?.pid).not.toBe(first?.pid);
    expect(attempts[0]?.ended_at).toBeNull();
    expect(attempts[1]?.ended_at).not.toBeNull();
    expect((await jobs.get(job.id))?.attempts).toBe(2);
  });

  it('does not start the jobs it had buffered after it was stalled past their lease', async () => {
    const [stalled, other] = await startWorkers(2, {
      WORKER_CONCURRENCY: '2',
      WORKER_PREFETCH: '10',
    });
    const enqueued = await jobs.enqueueMany(
      Array.from({ length: 60 }, (_, i) => ({
        type: 'test.run',
        payload: { label: `stall-${i}`, sleepMs: 400 },
      })),
    );
    const pid = stalled?.child.pid ?? 0;
    await waitFor('the worker to run jobs', async () => (await runs('pid = $1', [pid])).length > 0);
    stalled?.child.kill('SIGSTOP');
    // Its leases (1.5 s) run out; the other worker reaps its jobs and runs them.
    await waitFor(
      'its jobs to be reaped',
      async () => {
        const [row] = await database.query<{ n: number }>(
          "SELECT count(*)::int AS n FROM jobs WHERE status = 'running' AND lease_owner LIKE $1",
          [`%:${pid}:%`],
        );
        return row?.n === 0;
      },
      15_000,
    );
    // Runs its handlers began from here on (by their own clock: the insert recording a run that
    // began before the stop may wait for a pool connection until after the resume).
    const [{ at: resumedAt } = { at: '' }] = await database.query<{ at: string }>(
      'SELECT clock_timestamp()::text AS at',
    );
    stalled?.child.kill('SIGCONT');
    await waitFor('all jobs to succeed', () => allSucceeded(enqueued.map((j) => j.id)), 60_000);
    expect(other).toBeDefined();
    // Only the jobs it was running when it stopped may have run twice. What it started after it
    // resumed are jobs it claimed afresh (their latest attempt), never ones it held from before.
    const twice = await database.query<{ job_id: string }>(
      `SELECT job_id FROM test_job_runs WHERE label LIKE 'stall-%' GROUP BY job_id HAVING count(*) > 1`,
    );
    expect(twice.length).toBeLessThanOrEqual(2);
    const stale = await database.query<{ job_id: string; attempt: number }>(
      `SELECT r.job_id, r.attempt FROM test_job_runs r
       WHERE r.label LIKE 'stall-%' AND r.pid = $1 AND r.handler_started_at > $2::timestamptz
         AND r.attempt < (SELECT max(attempt) FROM test_job_runs o WHERE o.job_id = r.job_id)`,
      [pid, resumedAt],
    );
    expect(stale).toEqual([]);
  }, 90_000);

  it('never runs two jobs with one concurrency key at once, across two processes', async () => {
    await startWorkers(2);
    const specs = ['acct-1', 'acct-2'].flatMap((key) =>
      Array.from({ length: 8 }, (_, i) => ({
        type: 'test.run',
        payload: { label: `${key}-${i}`, sleepMs: 60 },
        concurrencyKey: key,
      })),
    );
    const enqueued = await jobs.enqueueMany(specs);
    await waitFor(
      'every keyed job to succeed',
      () => allSucceeded(enqueued.map((j) => j.id)),
      30_000,
    );
    for (const key of ['acct-1', 'acct-2']) {
      const keyed = await runs('label LIKE $1', [`${key}-%`]);
      expect(keyed).toHaveLength(8);
      expect(maxOverlap(keyed)).toBe(1);
    }
    expect(maxOverlap(await runs("label LIKE 'acct-%'"))).toBe(2);
  });

  it("holds the group cap across two processes, and a small group's jobs start while a big backlog waits", async () => {
    await startWorkers(2, { JOBS_GROUP_MAX_RUNNING: '3' });
    const big = await jobs.enqueueMany(
      Array.from({ length: 18 }, (_, i) => ({
        type: 'test.run',
        payload: { label: `big-${i}`, sleepMs: 150 },
        groupKey: 'tenant-big',
      })),
    );
    const small = await jobs.enqueueMany(
      Array.from({ length: 3 }, (_, i) => ({
        type: 'test.run',
        payload: { label: `small-${i}`, sleepMs: 20 },
        groupKey: 'tenant-small',
      })),
    );
    await waitFor(
      'all group jobs to succeed',
      () => allSucceeded([...big, ...small].map((j) => j.id)),
      30_000,
    );
    const bigRuns = await runs("label LIKE 'big-%'");
    const smallRuns = await runs("label LIKE 'small-%'");
    expect(maxOverlap(bigRuns)).toBe(3);
    expect(new Set(bigRuns.map((r) => r.pid)).size).toBe(2);
    const lastBigStart = Math.max(...bigRuns.map((r) => r.started_at.getTime()));
    for (const run of smallRuns) expect(run.started_at.getTime()).toBeLessThan(lastBigStart);
    const [group] = await database.query<{ running: number }>(
      "SELECT running FROM job_groups WHERE key = 'tenant-big'",
    );
    expect(group?.running).toBe(0);
  });

  it('cancels a job running on another process within a second', async () => {
    const [worker] = await startWorkers(1);
    const job = await jobs.enqueue({ type: 'test.abortable' });
    await waitFor('the job to start', async () => (await statusOf(job.id)) === 'running');
    const asked = Date.now();
    await jobs.cancel(job.id);
    await waitFor(
      'the job to be cancelled',
      async () => (await statusOf(job.id)) === 'cancelled',
      5000,
    );
    expect(Date.now() - asked).toBeLessThan(1000);
    // The handler in the other process saw the cancel through its signal and returned.
    const stopped = await waitFor('the handler to stop', async () => {
      const [run] = await database.query<{ pid: number; reason: string | null }>(
        'SELECT pid, reason FROM test_abortable_runs WHERE job_id = $1 AND stopped_at IS NOT NULL',
        [job.id],
      );
      return run;
    });
    expect(stopped).toEqual({ pid: worker?.child.pid, reason: 'JobCancelledError' });
  });

  it('returns one job for one idempotency key enqueued by racing transactions in two processes and this one', async () => {
    // One racer per process: each process takes its own queue.
    await startWorkers(1, { WORKER_QUEUES: 'race-a' });
    await startWorkers(1, { WORKER_QUEUES: 'race-b' });
    const race: EnqueueRace = { key: 'race-1', transactions: 4, lockId: 7_240_101 };
    const gate = new Client({ connectionString: database.url });
    await gate.connect();
    try {
      await gate.query('SELECT pg_advisory_lock($1)', [race.lockId]);
      const racers = await jobs.enqueueMany([
        { type: 'test.enqueue-race', queue: 'race-a', payload: race },
        { type: 'test.enqueue-race', queue: 'race-b', payload: race },
      ]);
      const here = raceEnqueues(api.app.get(Database), jobs, race);
      // Every transaction has begun and waits at the gate; then all insert at once.
      await waitFor('12 transactions at the gate', async () => {
        const [row] = await database.query<{ n: number }>(
          "SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND objid = $1 AND NOT granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
          [race.lockId],
        );
        return row?.n === 12;
      });
      await gate.query('SELECT pg_advisory_unlock($1)', [race.lockId]);
      const ids = await here;
      await waitFor('both racers to finish', () => allSucceeded(racers.map((r) => r.id)));
      const results = await Promise.all(racers.map(async (r) => (await jobs.get(r.id))?.result));
      const elsewhere = results as { pid: number; ids: string[] }[];
      expect(new Set(elsewhere.map((r) => r.pid)).size).toBe(2);
      const all = [...ids, ...elsewhere.flatMap((r) => r.ids)];
      expect(all).toHaveLength(12);
      expect(new Set(all).size).toBe(1);
      const rows = await database.query<{ id: string }>(
        'SELECT id FROM jobs WHERE idempotency_key = $1',
        [race.key],
      );
      expect(rows).toEqual([{ id: all[0] }]);
    } finally {
      await gate.end();
    }
  });

  it('reconnects its listener after the connection is killed, and keeps draining', async () => {
    const [worker] = await startWorkers(1);
    const listenerPid = async () =>
      (
        await database.query<{ pid: number }>(
          "SELECT pid FROM pg_stat_activity WHERE application_name = 'taskyard-listener-taskyard_jobs' AND datname = current_database()",
        )
      )[0]?.pid;
    const before = await waitFor('the listener to connect', listenerPid);
    await database.query('SELECT pg_terminate_backend($1)', [before]);

    const enqueued = await jobs.enqueueMany(
      Array.from({ length: 50 }, (_, i) => ({
        type: 'test.run',
        payload: { label: `after-drop-${i}` },
      })),
    );
    await waitFor('the jobs to drain', () => allSucceeded(enqueued.map((j) => j.id)), 20_000);
    const after = await waitFor('the listener to reconnect', async () => {
      const pid = await listenerPid();
      return pid !== undefined && pid !== before && pid;
    });
    expect(after).not.toBe(before);
    expect(worker?.lines.join('\n')).toContain('listener connection lost; reconnecting');

    // Woken by NOTIFY again: a fresh job is picked up well within the poll interval.
    const quick = await jobs.enqueue({ type: 'test.run', payload: { label: 'after-reconnect' } });
    await waitFor(
      'the job after reconnecting',
      async () => (await statusOf(quick.id)) === 'succeeded',
      5000,
    );
  });

  it('enqueues a recurring job once per tick with three processes running', async () => {
    await startWorkers(3);
    await new Promise((resolve) => setTimeout(resolve, 3500));
    const ticks = await database.query<{ idempotency_key: string; runs: number }>(`
      SELECT j.idempotency_key, count(r.id)::int AS runs
      FROM jobs j LEFT JOIN test_job_runs r ON r.job_id = j.id
      WHERE j.type = 'test.tick' GROUP BY j.id, j.idempotency_key ORDER BY j.idempotency_key`);
    expect(ticks.length).toBeGreaterThanOrEqual(2);
    const seconds = ticks.map(
      (t) => Date.parse(t.idempotency_key.replace('cron:test.tick:', '')) / 1000,
    );
    expect(seconds).toEqual(seconds.map((_, i) => (seconds[0] ?? 0) + i));
    const finished = ticks.filter((t) => t.runs > 0);
    expect(finished.every((t) => t.runs === 1)).toBe(true);
  });

  it('completes 10,000 jobs across two processes exactly once each', async () => {
    // A lease long enough that a loaded machine's pauses cannot lapse it: this test is about
    // claims, not about reaping (the tests above cover that).
    await startWorkers(2, {
      WORKER_CONCURRENCY: '10',
      WORKER_PREFETCH: '50',
      JOBS_LEASE_MS: '15000',
    });
    const enqueued = await jobs.enqueueMany(
      Array.from({ length: 10_000 }, (_, i) => ({
        type: 'test.run',
        payload: { label: `bulk-${i}` },
      })),
    );
    const ids = enqueued.map((j) => j.id);
    await waitFor('all 10,000 jobs to succeed', () => allSucceeded(ids), 120_000);
    const [tally] = await database.query<{
      completed_runs: number;
      jobs: number;
      most: number;
      pids: number;
    }>(`
      SELECT count(*)::int AS completed_runs, count(DISTINCT job_id)::int AS jobs,
             max(per_job)::int AS most, count(DISTINCT pid)::int AS pids
      FROM (SELECT job_id, pid, count(*) OVER (PARTITION BY job_id) AS per_job
            FROM test_job_runs WHERE label LIKE 'bulk-%' AND ended_at IS NOT NULL) completed`);
    expect(tally).toEqual({ completed_runs: 10_000, jobs: 10_000, most: 1, pids: 2 });
    // Every run that started, not only those that ended: a second start of a job, even one cut
    // short, would be a second run.
    const [started] = await database.query<{ runs: number; jobs: number; attempts: number }>(`
      SELECT count(*)::int AS runs, count(DISTINCT job_id)::int AS jobs,
             max(attempt)::int AS attempts
      FROM test_job_runs WHERE label LIKE 'bulk-%'`);
    expect(started).toEqual({ runs: 10_000, jobs: 10_000, attempts: 1 });
  }, 180_000);
});
