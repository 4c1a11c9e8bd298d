import { Injectable, Module } from '@nestjs/common';
import request from 'supertest';
import { Database } from '../../src/database/database.js';
import { JobHandler } from '../../src/jobs/job-handler.decorator.js';
import type { Job } from '../../src/jobs/job.js';
import { JobsService } from '../../src/jobs/jobs.service.js';
import { claimJobs } from '../../src/jobs/sql/claim.sql.js';
import { finishJobs } from '../../src/jobs/sql/finish.sql.js';
import { renewLeases, writeProgress } from '../../src/jobs/sql/lease.sql.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { ADMIN } from '../support/auth.js';
import { adminQuery, createTestDatabase, type TestDatabase } from '../support/database.js';
import {
  abortedAttempts,
  TEST_RUNS_TABLE,
  type TestJobPayload,
  TestJobHandlersModule,
} from '../support/test-handlers.js';
import { maxOverlap, type RunRow } from '../support/runs.js';
import { waitFor } from '../support/wait.js';

const FINISHED = ['succeeded', 'failed', 'cancelled'];

describe('the queue in one process', () => {
  let database: TestDatabase;
  let testApp: TestApp;
  let jobs: JobsService;

  beforeAll(async () => {
    database = await createTestDatabase();
    await database.query(TEST_RUNS_TABLE);
    testApp = await startTestApp({
      database,
      modules: [TestJobHandlersModule],
      env: {
        WORKER_CONCURRENCY: '4',
        JOBS_POLL_INTERVAL_MS: '100',
        JOBS_LEASE_MS: '2000',
        JOBS_REAPER_INTERVAL_MS: '200',
        JOBS_GROUP_MAX_RUNNING: '2',
        WORKER_QUEUE_CONCURRENCY: 'narrow=1',
      },
    });
    jobs = testApp.app.get(JobsService);
  });
  afterAll(async () => {
    await testApp.close();
    await database.drop();
  });

  const run = (
    payload: TestJobPayload,
    spec: Partial<Parameters<JobsService['enqueue']>[0]> = {},
  ) => jobs.enqueue({ type: 'test.run', payload, ...spec });
  const finished = (id: string, timeoutMs?: number): Promise<Job> =>
    waitFor<Job>(
      `job ${id} to finish`,
      async () => {
        const job = await jobs.get(id);
        return job && FINISHED.includes(job.status) ? job : undefined;
      },
      timeoutMs,
    );
  const runsOf = (jobId: string) =>
    database.query<RunRow>('SELECT * FROM test_job_runs WHERE job_id = $1 ORDER BY id', [jobId]);
  /** Claims one job of `type` by hand, as a worker would (no handler exists for these types). */
  const claimOne = async (type: string, workerId = 'test', leaseMs = 60_000) => {
    const [claimed] = await claimJobs(testApp.app.get(Database).pool, {
      workerId,
      types: [type],
      queues: [],
      fullQueues: [],
      limit: 1,
      leaseMs,
      groupMaxRunning: 5,
    });
    return claimed;
  };

  it('runs a job and stores its result', async () => {
    const job = await run({ label: 'hello' });
    expect(job).toMatchObject({
      status: 'queued',
      type: 'test.run',
      queue: 'default',
      attempts: 0,
    });
    const done = await finished(job.id);
    expect(done).toMatchObject({
      status: 'succeeded',
      attempts: 1,
      result: { label: 'hello', attempt: 1 },
    });
    expect(done.finishedAt).toBeInstanceOf(Date);
    expect(done.leaseOwner).toBeNull();
  });

  it('claims by priority, then run_at, then insertion order, and never before run_at', async () => {
    const type = 'ordering.nobody-handles-this';
    const oldest = msAgo(3000);
    const [a, b, c, , e] = await jobs.enqueueMany([
      { type, runAt: oldest },
      { type, priority: 5, runAt: msAgo(1000) },
      { type, priority: 5, runAt: msAgo(2000) },
      { type, priority: 9, delayMs: 60_000 },
      { type, runAt: oldest },
    ]);
    const order: string[] = [];
    for (;;) {
      const claimed = await claimOne(type);
      if (!claimed) break;
      order.push(claimed.id);
    }
    expect(order).toEqual([c?.id, b?.id, a?.id, e?.id]);
  });

  it('does not start a delayed job before its time', async () => {
    const job = await run({ label: 'delayed' }, { delayMs: 1200 });
    await finished(job.id);
    const [firstRun] = await runsOf(job.id);
    expect((firstRun?.started_at.getTime() ?? 0) - job.createdAt.getTime()).toBeGreaterThanOrEqual(
      1200,
    );
  });

  it('returns one job for 20 concurrent enqueues with one idempotency key', async () => {
    const enqueued = await Promise.all(
      Array.from({ length: 20 }, () => run({ label: 'once' }, { idempotencyKey: 'order-42' })),
    );
    expect(new Set(enqueued.map((j) => j.id)).size).toBe(1);
    const rows = await database.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM jobs WHERE idempotency_key = 'order-42'",
    );
    expect(rows).toEqual([{ n: 1 }]);
  });

  it('enqueues inside a caller transaction: nothing if it rolls back, the job if it commits', async () => {
    const entities = testApp.app.get(Database).manager;
    await expect(
      entities.transaction(async (manager) => {
        await jobs.enqueue({ type: 'test.run', idempotencyKey: 'tx-rolled-back' }, { manager });
        throw new Error('business rule failed');
      }),
    ).rejects.toThrow('business rule failed');
    const committed = await entities.transaction((manager) =>
      jobs.enqueue({ type: 'test.run', idempotencyKey: 'tx-committed' }, { manager }),
    );
    const keys = await database.query<{ idempotency_key: string }>(
      "SELECT idempotency_key FROM jobs WHERE idempotency_key LIKE 'tx-%'",
    );
    expect(keys).toEqual([{ idempotency_key: 'tx-committed' }]);
    expect((await finished(committed.id)).status).toBe('succeeded');
  });

  it('retries a failing job with backoff until it succeeds', async () => {
    const job = await run({ label: 'flaky', failUntilAttempt: 3 });
    const done = await finished(job.id);
    expect(done).toMatchObject({ status: 'succeeded', attempts: 3, result: { attempt: 3 } });
    expect(done.lastError).toBe('Error: attempt 2 fails on purpose');
    expect((await runsOf(job.id)).map((r) => r.attempt)).toEqual([1, 2, 3]);
  });

  it('fails at once on a permanent error', async () => {
    const done = await finished((await run({ permanent: true }, { maxAttempts: 5 })).id);
    expect(done).toMatchObject({ status: 'failed', attempts: 1 });
    expect(done.lastError).toBe('PermanentJobError: this job can never succeed');
  });

  it('aborts an attempt that runs past its timeout and counts it as failed', async () => {
    const done = await finished((await run({ hang: true }, { timeoutMs: 300, maxAttempts: 1 })).id);
    expect(done).toMatchObject({ status: 'failed', attempts: 1 });
    expect(done.lastError).toBe('JobTimeoutError: timed out after 300 ms');
  });

  it('cancels a queued job at once', async () => {
    const job = await run({ label: 'later' }, { delayMs: 60_000 });
    const cancelled = await jobs.cancel(job.id);
    expect(cancelled).toMatchObject({ id: job.id, status: 'cancelled' });
    expect(cancelled?.finishedAt).toBeInstanceOf(Date);
  });

  it('cancels a running job through its signal within a second', async () => {
    const job = await run({ hang: true });
    await waitFor('the job to start', async () => (await runsOf(job.id)).length > 0);
    const asked = Date.now();
    await jobs.cancel(job.id);
    const done = await finished(job.id, 5000);
    expect(done.status).toBe('cancelled');
    expect(Date.now() - asked).toBeLessThan(1000);
    // The handler itself saw the cancel through its signal and stopped: it never got to the end.
    expect(abortedAttempts.filter((a) => a.jobId === job.id)).toEqual([
      { jobId: job.id, reason: 'JobCancelledError' },
    ]);
    expect((await runsOf(job.id)).map((r) => r.ended_at)).toEqual([null]);
  });

  it("refuses a zombie worker's writes by its lease token while the job runs again elsewhere", async () => {
    const type = 'fencing.nobody-handles-this';
    const job = await jobs.enqueue({ type });
    const db = testApp.app.get(Database).pool;
    const claim = (workerId: string, leaseMs: number) => claimOne(type, workerId, leaseMs);

    const zombie = await claim('zombie', 300);
    // The zombie stalls; its lease runs out and the reaper puts the job back.
    await waitFor(
      'the reaper to take the job back',
      async () => (await jobs.get(job.id))?.status === 'queued',
    );
    const replacement = await claim('replacement', 60_000);
    expect(replacement?.leaseToken).not.toBe(zombie?.leaseToken);
    const running = await jobs.get(job.id);

    // The zombie wakes up and writes while the replacement holds a live lease on a running job:
    // only the lease token tells them apart.
    expect(running).toMatchObject({ status: 'running', leaseOwner: 'replacement' });
    const lease = { id: job.id, token: zombie?.leaseToken ?? '' };
    expect(await renewLeases(db, [lease], 600_000)).toEqual([]);
    expect(await writeProgress(db, lease, { by: 'zombie' })).toBe(false);
    expect(
      await finishJobs(db, [{ ...lease, status: 'succeeded', result: { by: 'zombie' } }]),
    ).toEqual(new Set([job.id]));
    expect(await finishJobs(db, [{ ...lease, status: 'succeeded' }])).toEqual(new Set([job.id]));
    expect(await finishJobs(db, [{ ...lease, status: 'failed', error: 'zombie' }])).toEqual(
      new Set([job.id]),
    );
    expect(await finishJobs(db, [{ ...lease, status: 'queued', retryInMs: 0 }])).toEqual(
      new Set([job.id]),
    );
    expect(await jobs.get(job.id)).toEqual(running);

    const refusedForReplacement = await finishJobs(db, [
      {
        id: job.id,
        token: replacement?.leaseToken ?? '',
        status: 'succeeded',
        result: { by: 'replacement' },
      },
    ]);
    expect(refusedForReplacement).toEqual(new Set());
    const final = await jobs.get(job.id);
    expect(final).toMatchObject({
      status: 'succeeded',
      result: { by: 'replacement' },
      attempts: 2,
    });
    expect(await finishJobs(db, [{ ...lease, status: 'failed', error: 'zombie' }])).toEqual(
      new Set([job.id]),
    );
    expect(await jobs.get(job.id)).toEqual(final);
  });

  it('does not put a job asked to cancel back in the queue when its attempt fails', async () => {
    const type = 'cancel-retry.nobody-handles-this';
    const job = await jobs.enqueue({ type });
    const db = testApp.app.get(Database).pool;
    const claimed = await claimOne(type);
    expect((await jobs.cancel(job.id))?.cancelRequestedAt).toBeInstanceOf(Date);
    const lease = { id: job.id, token: claimed?.leaseToken ?? '' };
    await finishJobs(db, [{ ...lease, status: 'queued', error: 'Error: boom', retryInMs: 0 }]);
    expect(await jobs.get(job.id)).toMatchObject({ status: 'cancelled', lastError: 'Error: boom' });
  });

  it("starts a small group's jobs while a big group's backlog waits, never over the group cap", async () => {
    const big = await jobs.enqueueMany(
      Array.from({ length: 10 }, (_, i) => ({
        type: 'test.run',
        payload: { label: `big-${i}`, sleepMs: 150 },
        groupKey: 'big',
      })),
    );
    const small = await jobs.enqueueMany(
      Array.from({ length: 2 }, (_, i) => ({
        type: 'test.run',
        payload: { label: `small-${i}`, sleepMs: 10 },
        groupKey: 'small',
      })),
    );
    await Promise.all([...big, ...small].map((j) => finished(j.id)));
    const runs = await database.query<RunRow>(
      "SELECT * FROM test_job_runs WHERE label LIKE 'big-%' OR label LIKE 'small-%' ORDER BY started_at",
    );
    const lastBigStart = Math.max(
      ...runs.filter((r) => r.label?.startsWith('big')).map((r) => r.started_at.getTime()),
    );
    for (const smallRun of runs.filter((r) => r.label?.startsWith('small'))) {
      expect(smallRun.started_at.getTime()).toBeLessThan(lastBigStart);
    }
    expect(maxOverlap(runs.filter((r) => r.label?.startsWith('big')))).toBe(2);
  });

  it('runs no more jobs of a queue at once than its per-process limit', async () => {
    const narrow = await jobs.enqueueMany(
      Array.from({ length: 4 }, (_, i) => ({
        type: 'test.run',
        queue: 'narrow',
        payload: { label: `narrow-${i}`, sleepMs: 80 },
      })),
    );
    await Promise.all(narrow.map((j) => finished(j.id)));
    const runs = await database.query<RunRow>(
      "SELECT * FROM test_job_runs WHERE label LIKE 'narrow-%' ORDER BY started_at",
    );
    expect(runs).toHaveLength(4);
    expect(maxOverlap(runs)).toBe(1);
  });

  it('serves queue counts, pause and resume, retry and cancel to admins', async () => {
    const http = request(testApp.baseUrl);
    await http.post('/api/v1/admin/queues/mail/pause').expect(401);
    await http.post('/api/v1/admin/queues/mail/pause').set(ADMIN).expect(200);
    const held = await run({ label: 'paused' }, { queue: 'mail' });
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect((await jobs.get(held.id))?.status).toBe('queued');

    const listed = await http.get('/api/v1/admin/queues').set(ADMIN).expect(200);
    const mail = (
      listed.body as { name: string; paused: boolean; counts: { queued: number } }[]
    ).find((q) => q.name === 'mail');
    expect(mail).toMatchObject({ paused: true, counts: { queued: 1 } });

    await http.post('/api/v1/admin/queues/mail/resume').set(ADMIN).expect(200);
    expect((await finished(held.id)).status).toBe('succeeded');

    const failed = await finished((await run({ permanent: true })).id);
    const retried = await http.post(`/api/v1/admin/jobs/${failed.id}/retry`).set(ADMIN).expect(200);
    expect(retried.body).toMatchObject({ status: 'queued', attempts: 0 });
    await waitFor('the retried job to run', async () => (await runsOf(failed.id)).length === 2);

    const succeeded = await http.post(`/api/v1/admin/jobs/${held.id}/retry`).set(ADMIN).expect(409);
    expect(succeeded.body.detail).toMatch(
      /is succeeded; only failed or cancelled jobs can be retried/,
    );
    await http.post('/api/v1/admin/jobs/999999999/cancel').set(ADMIN).expect(404);
    await http.post('/api/v1/admin/queues/bad name!/pause').set(ADMIN).expect(422);
  });

  it('reports queue metrics and a ready worker', async () => {
    const metrics = (await request(testApp.baseUrl).get('/metrics').expect(200)).text;
    expect(metrics).toMatch(
      /^taskyard_jobs_enqueued_total\{queue="default",type="test.run"\} [1-9]/m,
    );
    expect(metrics).toMatch(
      /^taskyard_jobs_completed_total\{queue="default",type="test.run"\} [1-9]/m,
    );
    expect(metrics).toMatch(
      /^taskyard_jobs_failed_total\{queue="default",type="test.run"\} [1-9]/m,
    );
    expect(metrics).toMatch(
      /^taskyard_jobs_retried_total\{queue="default",type="test.run"\} [1-9]/m,
    );
    expect(metrics).toMatch(
      /^taskyard_job_duration_seconds_count\{queue="default",type="test.run",outcome="succeeded"\}/m,
    );
    expect(metrics).toMatch(/^taskyard_job_queue_wait_seconds_count/m);
    expect(metrics).toMatch(/^taskyard_jobs_listener_connected 1$/m);
    expect(metrics).toMatch(/^taskyard_jobs_live\{queue="default",status="queued"\} \d+$/m);

    const ready = await request(testApp.baseUrl).get('/health/ready').expect(200);
    expect(ready.body.details.worker).toMatchObject({ status: 'up', listener: true });
  });
});

describe('worker shutdown', () => {
  it('hands unfinished jobs back to the queue without using up an attempt', async () => {
    const database = await createTestDatabase();
    await database.query(TEST_RUNS_TABLE);
    const testApp = await startTestApp({
      database,
      modules: [TestJobHandlersModule],
      env: { SHUTDOWN_GRACE_MS: '2500', JOBS_POLL_INTERVAL_MS: '100' },
    });
    try {
      const jobs = testApp.app.get(JobsService);
      const job = await jobs.enqueue({ type: 'test.run', payload: { hang: true } });
      const quick = await jobs.enqueue({ type: 'test.run', payload: { sleepMs: 200 } });
      const bothStarted = async () => {
        const [hanging, short] = await Promise.all([jobs.get(job.id), jobs.get(quick.id)]);
        return hanging?.status === 'running' && short?.status !== 'queued';
      };
      await waitFor('both jobs to start', bothStarted);
      await testApp.app.close();
      const [handedBack] = await database.query<{
        status: string;
        attempts: number;
        lease_token: string | null;
      }>('SELECT status, attempts, lease_token FROM jobs WHERE id = $1', [job.id]);
      expect(handedBack).toEqual({ status: 'queued', attempts: 0, lease_token: null });
      const [done] = await database.query<{ status: string }>(
        'SELECT status FROM jobs WHERE id = $1',
        [quick.id],
      );
      expect(done?.status).toBe('succeeded');
    } finally {
      await testApp.close().catch(() => undefined);
      await database.drop();
    }
  });
});

describe('a worker cut off from the database', () => {
  it('stops its jobs once their lease has run out, since another worker may take them', async () => {
    abortedAttempts.length = 0; // job ids start again at 1 in every test database
    const database = await createTestDatabase();
    await database.query(TEST_RUNS_TABLE);
    const testApp = await startTestApp({
      database,
      modules: [TestJobHandlersModule],
      env: { JOBS_LEASE_MS: '1500', JOBS_POLL_INTERVAL_MS: '100', JOBS_REAPER_INTERVAL_MS: '200' },
    });
    try {
      const jobs = testApp.app.get(JobsService);
      const job = await jobs.enqueue({ type: 'test.run', payload: { hang: true } });
      // Its handler must have started: a job claimed into the prefetch buffer but not yet started
      // (a slow claim on a loaded machine) is dropped when its lease is lost, with no attempt to stop.
      await waitFor(
        'the handler to start',
        async () =>
          (await database.query('SELECT 1 FROM test_job_runs WHERE job_id = $1', [job.id])).length >
          0,
      );
      await adminQuery(`ALTER DATABASE ${database.name} WITH ALLOW_CONNECTIONS false`);
      await adminQuery(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1',
        [database.name],
      );
      try {
        // The bound is generous: under a loaded machine renewals fail late, and what matters is
        // that the attempt is stopped at all, not how soon.
        await waitFor(
          'the attempt to be stopped',
          () => abortedAttempts.find((a) => a.jobId === job.id),
          20_000,
        );
      } finally {
        await adminQuery(`ALTER DATABASE ${database.name} WITH ALLOW_CONNECTIONS true`);
      }
      expect(abortedAttempts.filter((a) => a.jobId === job.id)).toEqual([
        { jobId: job.id, reason: 'LeaseLostError' },
      ]);
    } finally {
      await testApp.close().catch(() => undefined);
      await database.drop();
    }
  });
});

describe('handler discovery', () => {
  @Injectable()
  class SecondRunHandler {
    @JobHandler('test.run')
    handle(): void {}
  }
  @Module({ providers: [SecondRunHandler] })
  class DuplicateModule {}

  it('refuses to start with two handlers for one job type', async () => {
    const database = await createTestDatabase();
    try {
      await expect(
        startTestApp({ database, modules: [TestJobHandlersModule, DuplicateModule] }),
      ).rejects.toThrow(
        /Job type "test.run" has two handlers: TestJobHandlers.run and SecondRunHandler.handle/,
      );
    } finally {
      await database.drop();
    }
  });
});

function msAgo(ms: number): Date {
  return new Date(Date.now() - ms);
}
