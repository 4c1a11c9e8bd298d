import { Injectable, Module } from '@nestjs/common';
import { Client, type PoolClient } from 'pg';
import { Database } from '../../src/database/database.js';
import { JobHandler } from '../../src/jobs/job-handler.decorator.js';
import { JobsService } from '../../src/jobs/jobs.service.js';
import { claimJobs } from '../../src/jobs/sql/claim.sql.js';
import { finishJobs } from '../../src/jobs/sql/finish.sql.js';
import { renewLeases } from '../../src/jobs/sql/lease.sql.js';
import { REAPER_LOCK_ID, reapExpired } from '../../src/jobs/sql/reap.sql.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { waitFor } from '../support/wait.js';

const LEASE_MS = 1500;

/** A handler that returns when the test opens its gate. */
const gated = { runs: 0, started: () => undefined as void, open: () => undefined as void };

@Injectable()
class GatedHandler {
  @JobHandler('test.gated')
  handle(): Promise<void> {
    gated.runs++;
    gated.started();
    return new Promise((resolve) => (gated.open = resolve));
  }
}

@Module({ providers: [GatedHandler] })
class GatedHandlerModule {}

describe('the outcome of a job', () => {
  let testApp: TestApp;
  let jobs: JobsService;
  /** A connection of the test's own, as another process would have. */
  let other: Client;

  beforeEach(async () => {
    testApp = await startTestApp({
      modules: [GatedHandlerModule],
      env: {
        DATABASE_POOL_SIZE: '2',
        JOBS_LEASE_MS: String(LEASE_MS),
        JOBS_REAPER_INTERVAL_MS: '200',
        JOBS_POLL_INTERVAL_MS: '100',
      },
    });
    jobs = testApp.app.get(JobsService);
    other = new Client({ connectionString: testApp.database.url });
    await other.connect();
  });
  afterEach(async () => {
    await other.end();
    await testApp.close();
  });

  const row = async (id: string) =>
    (
      await other.query<{ status: string; attempts: number; valid: boolean }>(
        'SELECT status, attempts, lease_expires_at > now() AS valid FROM jobs WHERE id = $1',
        [id],
      )
    ).rows[0];

  const lapsed = async (id: string) =>
    (
      await other.query<{ lapsed: boolean }>(
        'SELECT lease_expires_at <= now() AS lapsed FROM jobs WHERE id = $1',
        [id],
      )
    ).rows[0]?.lapsed;

  it('keeps its lease while the write of its outcome waits, and the job runs once', async () => {
    gated.runs = 0;
    const started = new Promise<void>((resolve) => (gated.started = resolve));
    const job = await jobs.enqueue({ type: 'test.gated' });
    await started;
    // Every connection of the application's pool taken: the outcome cannot be written.
    const pool = testApp.app.get(Database).pool;
    const taken: PoolClient[] = await Promise.all([pool.connect(), pool.connect()]);
    try {
      gated.open();
      const {
        rows: [{ at } = { at: new Date() }],
      } = await other.query<{ at: Date }>('SELECT now() AS at');
      // Twice the lease later, by the database's clock, the job still holds a valid lease ...
      await waitFor(
        'two leases to pass',
        async () =>
          (
            await other.query<{ past: boolean }>(
              "SELECT now() > $1::timestamptz + $2 * interval '2 millisecond' AS past",
              [at, LEASE_MS],
            )
          ).rows[0]?.past,
      );
      expect(await row(job.id)).toEqual({ status: 'running', attempts: 1, valid: true });
      // ... so a reaper in another process has nothing to take back.
      expect(await reapExpired(other)).toEqual([]);
    } finally {
      for (const client of taken) client.release();
    }
    await waitFor(
      'the outcome to be written',
      async () => (await row(job.id))?.status !== 'running',
    );
    expect(await row(job.id)).toMatchObject({ status: 'succeeded', attempts: 1 });
    expect(gated.runs).toBe(1);
  });

  it('takes the outcome and renewal of a lapsed lease from its token holder, until a reaper takes the job back', async () => {
    const type = 'lapsed.nobody-handles-this';
    const db = testApp.app.get(Database).pool;
    const enqueued = await jobs.enqueueMany([{ type }, { type }, { type }]);
    const claim = async () =>
      (
        await claimJobs(other, {
          workerId: 'slow',
          types: [type],
          queues: [],
          fullQueues: [],
          limit: 1,
          leaseMs: 200,
          groupMaxRunning: 5,
        })
      )[0];
    // The reapers held off: their lock is taken.
    const reaperLock = new Client({ connectionString: testApp.database.url });
    await reaperLock.connect();
    await reaperLock.query('BEGIN');
    await reaperLock.query('SELECT pg_advisory_xact_lock($1)', [REAPER_LOCK_ID]);
    try {
      const [late, revived, reaped] = [await claim(), await claim(), await claim()];
      expect([late?.id, revived?.id, reaped?.id]).toEqual(enqueued.map((j) => j.id));
      const leaseOf = (job: typeof late) => ({ id: job?.id ?? '', token: job?.leaseToken ?? '' });
      await waitFor('the leases to run out', async () => {
        const states = await Promise.all(enqueued.map((j) => lapsed(j.id)));
        return states.every(Boolean);
      });
      expect(await finishJobs(db, [{ ...leaseOf(late), status: 'succeeded' }])).toEqual(new Set());
      expect((await renewLeases(db, [leaseOf(revived)], 60_000)).map((r) => r.id)).toEqual([
        revived?.id,
      ]);
      expect(await row(revived?.id ?? '')).toEqual({ status: 'running', attempts: 1, valid: true });

      // Once a reaper has taken a job back, its old token changes nothing.
      await reaperLock.query('COMMIT');
      await waitFor(
        'the reaper to take the last job back',
        async () => (await jobs.get(reaped?.id ?? ''))?.status === 'queued',
      );
      expect(await finishJobs(db, [{ ...leaseOf(reaped), status: 'succeeded' }])).toEqual(
        new Set([reaped?.id]),
      );
      expect(await renewLeases(db, [leaseOf(reaped)], 60_000)).toEqual([]);
      expect((await jobs.get(late?.id ?? ''))?.status).toBe('succeeded');
      expect((await jobs.get(revived?.id ?? ''))?.status).toBe('running');
      expect((await jobs.get(reaped?.id ?? ''))?.status).toBe('queued');
    } finally {
      await reaperLock.end();
    }
  });
});
