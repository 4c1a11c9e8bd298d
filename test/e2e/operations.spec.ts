import request from 'supertest';
import { type Activity, type StuckJob as Stuck, Taskyard } from '../../src/client/index.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { ADMIN, bearer, createUserKey, TEST_ADMIN_KEY } from '../support/auth.js';
import { createTask, getTask, PROBLEM_JSON } from '../support/tasks.js';

const MINUTE = 60_000;

describe('operations views: who am I, activity per minute, stuck work', () => {
  let t: TestApp;
  let user: string;

  beforeAll(async () => {
    t = await startTestApp({ env: { JOBS_LEASE_MS: '30000' } });
    user = await createUserKey(t.baseUrl, 'acme');
  });
  afterAll(() => t.close());

  const http = () => request(t.baseUrl);

  /** The buckets the jobs of `queue` in the database make from `from` on: what the route must say. */
  const expectedBuckets = async (queue: string, from: string, minutes: number) => {
    const rows = await t.database.query<{ i: number; status: string }>(
      `SELECT floor(extract(epoch FROM finished_at - $2::timestamptz) / 60)::int AS i, status::text
       FROM jobs WHERE queue = $1 AND finished_at >= $2`,
      [queue, from],
    );
    const buckets = Array.from({ length: minutes }, (_, i) => ({
      at: new Date(Date.parse(from) + i * MINUTE).toISOString(),
      succeeded: 0,
      failed: 0,
    }));
    for (const { i, status } of rows) {
      if (status === 'succeeded' || status === 'failed') buckets[i][status]++;
    }
    return buckets;
  };

  /** A running job no worker of this app holds, with the given clock readings. */
  const runningJob = async (values: {
    startedAgoMs: number;
    timeoutMs: number | null;
    leaseLeftMs: number;
  }): Promise<string> => {
    const [row] = await t.database.query<{ id: string }>(
      `INSERT INTO jobs (queue, type, status, attempts, timeout_ms, lease_owner, lease_token,
                         started_at, lease_expires_at)
       VALUES ('stuck-test', 'test.stuck', 'running', 1, $1, 'elsewhere:1:abc', 1,
               now() - $2::int * interval '1 millisecond',
               now() + $3::int * interval '1 millisecond')
       RETURNING id`,
      [values.timeoutMs, values.startedAgoMs, values.leaseLeftMs],
    );
    return row.id;
  };
  const stuck = async (): Promise<Stuck[]> =>
    (await http().get('/api/v1/admin/stuck').set(ADMIN).expect(200)).body as Stuck[];

  /** A job of `queue` that ended `status` `agoMs` before now (no worker runs it: it has ended). */
  const finishedJob = (queue: string, status: string, agoMs: number) =>
    t.database.query(
      `INSERT INTO jobs (queue, type, status, finished_at)
       VALUES ($1, 'test.activity', $2, now() - $3::int * interval '1 millisecond')`,
      [queue, status, agoMs],
    );

  describe('GET /me', () => {
    it("answers the key's id, tenant and role, for user and admin keys", async () => {
      const mine = (await http().get('/api/v1/me').set(bearer(user)).expect(200)).body;
      const [row] = await t.database.query<{ id: string }>(
        `SELECT id FROM api_keys WHERE tenant = 'acme'`,
      );
      expect(mine).toEqual({ keyId: row.id, tenant: 'acme', role: 'user' });
      const admin = (await http().get('/api/v1/me').set(bearer(TEST_ADMIN_KEY)).expect(200)).body;
      expect(admin).toMatchObject({ role: 'admin', keyId: expect.any(String) });
      await http().get('/api/v1/me').expect(401);
    });
  });

  describe('GET /admin/activity', () => {
    it('counts succeeded and failed jobs per queue and minute, zeros where none ended', async () => {
      await finishedJob('activity-a', 'succeeded', 0);
      await finishedJob('activity-a', 'succeeded', 0);
      await finishedJob('activity-a', 'failed', 0);
      await finishedJob('activity-a', 'succeeded', 3 * MINUTE);
      await finishedJob('activity-a', 'cancelled', 0);
      await finishedJob('activity-b', 'failed', 8.5 * MINUTE);
      await finishedJob('activity-c', 'succeeded', 30 * MINUTE);

      const body = (
        await http().get('/api/v1/admin/activity').query({ minutes: 10 }).set(ADMIN).expect(200)
      ).body as Activity;
      expect(body.bucketSeconds).toBe(60);
      expect(Date.parse(body.to) - Date.parse(body.from)).toBeLessThan(10 * MINUTE);
      expect(Date.parse(body.to) - Date.parse(body.from)).toBeGreaterThanOrEqual(9 * MINUTE);
      expect(new Date(body.from).getUTCSeconds()).toBe(0);
      const queues = body.queues.filter((q) => q.queue.startsWith('activity-'));
      expect(queues.map((q) => q.queue)).toEqual(['activity-a', 'activity-b']);
      for (const { queue, buckets } of queues) {
        expect(buckets).toEqual(await expectedBuckets(queue, body.from, 10));
      }
      const totals = queues.map(({ buckets }) =>
        buckets.reduce((n, b) => ({ s: n.s + b.succeeded, f: n.f + b.failed }), { s: 0, f: 0 }),
      );
      expect(totals).toEqual([
        { s: 3, f: 1 },
        { s: 0, f: 1 },
      ]);
      expect(queues[0].buckets.filter((b) => b.succeeded + b.failed === 0).length).toBeGreaterThan(
        5,
      );

      const hour = (await http().get('/api/v1/admin/activity').set(ADMIN).expect(200))
        .body as Activity;
      const c = hour.queues.find((q) => q.queue === 'activity-c');
      expect(c?.buckets).toEqual(await expectedBuckets('activity-c', hour.from, 60));
      expect(c?.buckets.reduce((n, b) => n + b.succeeded, 0)).toBe(1);
    });

    it('answers 422 to minutes out of 1..1440, and 404 to a user key', async () => {
      for (const minutes of ['0', '1441', 'ten', '1.5']) {
        const response = await http()
          .get('/api/v1/admin/activity')
          .query({ minutes })
          .set(ADMIN)
          .expect(422);
        expect(response.headers['content-type']).toMatch(PROBLEM_JSON);
      }
      await http().get('/api/v1/admin/activity').query({ minutes: 1440 }).set(ADMIN).expect(200);
      await http().get('/api/v1/admin/activity').set(bearer(user)).expect(404);
    });
  });

  it('is reached through the SDK: me, activity, stuckJobs', async () => {
    const admin = new Taskyard({ url: t.baseUrl, key: TEST_ADMIN_KEY });
    expect(await new Taskyard({ url: t.baseUrl, key: user }).me()).toMatchObject({
      tenant: 'acme',
      role: 'user',
    });
    expect((await admin.me()).role).toBe('admin');
    const activity = await admin.activity({ minutes: 3 });
    expect(activity.queues.every((q) => q.buckets.length === 3)).toBe(true);
    expect(Array.isArray(await admin.stuckJobs())).toBe(true);
  });

  describe('GET /admin/stuck', () => {
    it('flags running jobs over their time limit, and leases with under a third left', async () => {
      const slow = await runningJob({ startedAgoMs: 5000, timeoutMs: 1000, leaseLeftMs: 25_000 });
      const lapsing = await runningJob({
        startedAgoMs: 1000,
        timeoutMs: 60_000,
        leaseLeftMs: 5000,
      });
      const healthy = await runningJob({
        startedAgoMs: 1000,
        timeoutMs: 60_000,
        leaseLeftMs: 25_000,
      });
      // No timeout of its own nor a handler's: JOBS_DEFAULT_TIMEOUT_MS applies.
      const unlimited = await runningJob({
        startedAgoMs: 1000,
        timeoutMs: null,
        leaseLeftMs: 25_000,
      });

      const found = await stuck();
      const byJob = new Map(found.map((s) => [s.jobId, s]));
      expect(byJob.get(slow)).toMatchObject({
        reason: 'over_time_limit',
        taskId: null,
        type: 'test.stuck',
        queue: 'stuck-test',
        worker: 'elsewhere:1:abc',
        timeLimitMs: 1000,
      });
      expect(Date.parse(byJob.get(slow)!.startedAt)).toBeLessThan(Date.now() - 4000);
      expect(byJob.get(lapsing)).toMatchObject({ reason: 'lease_lapsing', timeLimitMs: 60_000 });
      expect(Date.parse(byJob.get(lapsing)!.leaseExpiresAt!)).toBeLessThan(Date.now() + 6000);
      expect(byJob.has(healthy)).toBe(false);
      expect(byJob.has(unlimited)).toBe(false);
    });

    it("names the task of a task's job", async () => {
      await http().post('/api/v1/admin/queues/tasks/pause').set(ADMIN).expect(200);
      const task = await createTask(t.baseUrl, user, { type: 'echo', payload: 1 });
      await t.database.query(
        `UPDATE jobs SET status = 'running', attempts = 1, timeout_ms = 10,
           started_at = now() - interval '1 second', lease_owner = 'elsewhere:2:def',
           lease_token = 2, lease_expires_at = now() + interval '25 seconds'
         WHERE id = (SELECT job_id FROM tasks WHERE id = $1)`,
        [task.id],
      );
      expect((await getTask(t.baseUrl, user, task.id)).status).toBe('running');
      const found = (await stuck()).find((s) => s.taskId === task.id);
      expect(found).toMatchObject({ reason: 'over_time_limit', type: 'task:echo', queue: 'tasks' });
    });

    it('answers 404 to a user key', async () => {
      const response = await http().get('/api/v1/admin/stuck').set(bearer(user)).expect(404);
      expect(response.headers['content-type']).toMatch(PROBLEM_JSON);
    });
  });
});
