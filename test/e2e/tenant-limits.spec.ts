import request from 'supertest';
import { ADMIN, bearer, createUserKey } from '../support/auth.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { upload } from '../support/uploads.js';

const MAX_QUEUED = 3;
const MAX_BYTES = 1000;

describe('per-tenant limits', () => {
  let t: TestApp;

  const postEcho = (key: string) =>
    request(t.baseUrl).post('/api/v1/tasks').set(bearer(key)).send({ type: 'echo', payload: {} });
  const putLimits = (tenant: string, body: object) =>
    request(t.baseUrl).put(`/api/v1/admin/tenants/${tenant}/limits`).set(ADMIN).send(body);
  const filesOf = async (tenant: string) =>
    (
      await t.database.query<{ n: number; bytes: number }>(
        `SELECT count(*)::int AS n, COALESCE(sum(size), 0)::int AS bytes FROM files WHERE tenant = $1`,
        [tenant],
      )
    )[0];

  beforeAll(async () => {
    t = await startTestApp({
      env: {
        TASKS_TENANT_MAX_QUEUED: String(MAX_QUEUED),
        FILES_TENANT_MAX_BYTES: String(MAX_BYTES),
        TASKS_TENANT_MAX_RUNNING: '4',
      },
    });
    // Tasks stay queued: nothing runs them.
    await request(t.baseUrl).post('/api/v1/admin/queues/tasks/pause').set(ADMIN).expect(200);
  });
  afterAll(() => t.close());

  describe('queued tasks', () => {
    it('answers 429 past TASKS_TENANT_MAX_QUEUED, for that tenant only', async () => {
      const key = await createUserKey(t.baseUrl, 'queue-full');
      for (let i = 0; i < MAX_QUEUED; i++) await postEcho(key).expect(202);
      const refused = await postEcho(key).expect(429);
      expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(refused.body).toMatchObject({
        type: 'urn:taskyard:problem:too-many-queued-tasks',
        status: 429,
        limit: MAX_QUEUED,
      });
      const form = await request(t.baseUrl)
        .post('/api/v1/tasks')
        .set(bearer(key))
        .field('type', 'text.analyze')
        .attach('file', Buffer.from('some words\n'), {
          filename: 'a.txt',
          contentType: 'text/plain',
        })
        .expect(429);
      expect(form.body).toMatchObject({ type: 'urn:taskyard:problem:too-many-queued-tasks' });
      const count = await t.database.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM tasks WHERE tenant = 'queue-full'`,
      );
      expect(count[0]?.n).toBe(MAX_QUEUED);

      await postEcho(await createUserKey(t.baseUrl, 'queue-other')).expect(202);
    });

    it('takes an admin override of the limit, 0 meaning none', async () => {
      const key = await createUserKey(t.baseUrl, 'queue-raised');
      for (let i = 0; i < MAX_QUEUED; i++) await postEcho(key).expect(202);
      await postEcho(key).expect(429);
      await putLimits('queue-raised', { maxQueuedTasks: MAX_QUEUED + 1 }).expect(200);
      await postEcho(key).expect(202);
      await postEcho(key).expect(429);
      await putLimits('queue-raised', { maxQueuedTasks: 0 }).expect(200);
      for (let i = 0; i < 3; i++) await postEcho(key).expect(202);
      const count = await t.database.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM tasks WHERE tenant = 'queue-raised'`,
      );
      expect(count[0]?.n).toBe(MAX_QUEUED + 1 + 3);
    });
  });

  describe('stored bytes', () => {
    it('answers 413 to an upload past FILES_TENANT_MAX_BYTES and stores nothing of it', async () => {
      const key = await createUserKey(t.baseUrl, 'bytes-full');
      await upload(t.baseUrl, key, 'a'.repeat(600)).expect(201);
      const refused = await upload(t.baseUrl, key, 'b'.repeat(600)).expect(413);
      expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(refused.body).toMatchObject({
        type: 'urn:taskyard:problem:storage-limit-exceeded',
        status: 413,
        limit: MAX_BYTES,
        used: 600,
        size: 600,
      });
      expect(await filesOf('bytes-full')).toEqual({ n: 1, bytes: 600 });
      await upload(t.baseUrl, key, 'c'.repeat(400)).expect(201);
      expect(await filesOf('bytes-full')).toEqual({ n: 2, bytes: 1000 });

      const task = await request(t.baseUrl)
        .post('/api/v1/tasks')
        .set(bearer(key))
        .field('type', 'text.analyze')
        .attach('file', Buffer.from('more words\n'), {
          filename: 'a.txt',
          contentType: 'text/plain',
        })
        .expect(413);
      expect(task.body).toMatchObject({ type: 'urn:taskyard:problem:storage-limit-exceeded' });
      const tasks = await t.database.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM tasks WHERE tenant = 'bytes-full'`,
      );
      expect(tasks[0]?.n).toBe(0);

      await upload(
        t.baseUrl,
        await createUserKey(t.baseUrl, 'bytes-other'),
        'd'.repeat(900),
      ).expect(201);
    });

    it('counts the bytes of concurrent uploads against one limit', async () => {
      const key = await createUserKey(t.baseUrl, 'bytes-race');
      const answers = await Promise.all(
        Array.from({ length: 6 }, (_, i) => upload(t.baseUrl, key, String(i).repeat(300))),
      );
      expect(answers.filter((a) => a.status === 201)).toHaveLength(3);
      expect(answers.filter((a) => a.status === 413)).toHaveLength(3);
      expect(await filesOf('bytes-race')).toEqual({ n: 3, bytes: 900 });
    });

    it('takes an admin override of the limit', async () => {
      const key = await createUserKey(t.baseUrl, 'bytes-raised');
      await upload(t.baseUrl, key, 'a'.repeat(900)).expect(201);
      await upload(t.baseUrl, key, 'b'.repeat(900)).expect(413);
      await putLimits('bytes-raised', { maxStoredBytes: 2000 }).expect(200);
      await upload(t.baseUrl, key, 'b'.repeat(900)).expect(201);
      expect(await filesOf('bytes-raised')).toEqual({ n: 2, bytes: 1800 });
    });
  });

  describe('the admin route', () => {
    it('shows the limits in force, the overrides and the usage', async () => {
      const key = await createUserKey(t.baseUrl, 'shown');
      await postEcho(key).expect(202);
      await upload(t.baseUrl, key, 'x'.repeat(100)).expect(201);
      const before = await request(t.baseUrl)
        .get('/api/v1/admin/tenants/shown/limits')
        .set(ADMIN)
        .expect(200);
      expect(before.body).toEqual({
        tenant: 'shown',
        maxRunningTasks: 4,
        maxQueuedTasks: MAX_QUEUED,
        maxStoredBytes: MAX_BYTES,
        taskRetentionHours: 720,
        fileRetentionHours: 720,
        overrides: {
          maxRunningTasks: null,
          maxQueuedTasks: null,
          maxStoredBytes: null,
          taskRetentionHours: null,
          fileRetentionHours: null,
        },
        usage: { queuedTasks: 1, storedBytes: 100 },
      });
      const put = await putLimits('shown', { maxRunningTasks: 2, maxStoredBytes: 0 }).expect(200);
      expect(put.body).toMatchObject({
        maxRunningTasks: 2,
        maxQueuedTasks: MAX_QUEUED,
        maxStoredBytes: 0,
        overrides: {
          maxRunningTasks: 2,
          maxQueuedTasks: null,
          maxStoredBytes: 0,
          taskRetentionHours: null,
          fileRetentionHours: null,
        },
      });
      // The running cap is the queue's cap on the tenant's group.
      const group = await t.database.query<{ max_running: number }>(
        `SELECT max_running FROM job_groups WHERE key = 'tenant:shown'`,
      );
      expect(group[0]?.max_running).toBe(2);
    });

    it('puts every task job of a tenant in its group, capped at the default', async () => {
      const key = await createUserKey(t.baseUrl, 'grouped');
      const { body } = await postEcho(key).expect(202);
      const rows = await t.database.query<{ group_key: string; max_running: number }>(
        `SELECT j.group_key, g.max_running FROM tasks t JOIN jobs j ON j.id = t.job_id
         JOIN job_groups g ON g.key = j.group_key WHERE t.id = $1`,
        [(body as { id: string }).id],
      );
      expect(rows).toEqual([{ group_key: 'tenant:grouped', max_running: 4 }]);
    });

    it('refuses bad limits with 422, and user keys with 404', async () => {
      const refused = [
        await putLimits('shown', { maxRunningTasks: 0 }),
        await putLimits('shown', { maxQueuedTasks: -1 }),
        await putLimits('shown', { other: 1 }),
        await putLimits('Not A Tenant', {}),
      ];
      for (const answer of refused) {
        expect(answer.status).toBe(422);
        expect(answer.body).toMatchObject({ type: 'urn:taskyard:problem:validation-failed' });
      }
      const key = await createUserKey(t.baseUrl, 'shown');
      const hidden = await request(t.baseUrl)
        .get('/api/v1/admin/tenants/shown/limits')
        .set(bearer(key));
      expect(hidden.status).toBe(404);
    });
  });
});

describe('running tasks without a default cap', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
    await request(t.baseUrl).post('/api/v1/admin/queues/tasks/pause').set(ADMIN).expect(200);
  });
  afterAll(() => t.close());

  const groupOfNewTask = async (key: string) => {
    const created = await request(t.baseUrl)
      .post('/api/v1/tasks')
      .set(bearer(key))
      .send({ type: 'echo', payload: {} })
      .expect(202);
    const rows = await t.database.query<{ group_key: string | null }>(
      `SELECT j.group_key FROM tasks t JOIN jobs j ON j.id = t.job_id WHERE t.id = $1`,
      [(created.body as { id: string }).id],
    );
    return rows[0]?.group_key;
  };

  it("puts a tenant's tasks in a capped group only once an admin sets its cap", async () => {
    const key = await createUserKey(t.baseUrl, 'uncapped');
    expect(await groupOfNewTask(key)).toBeNull();
    await request(t.baseUrl)
      .put('/api/v1/admin/tenants/uncapped/limits')
      .set(ADMIN)
      .send({ maxRunningTasks: 3 })
      .expect(200);
    expect(await groupOfNewTask(key)).toBe('tenant:uncapped');
    const group = await t.database.query<{ max_running: number }>(
      `SELECT max_running FROM job_groups WHERE key = 'tenant:uncapped'`,
    );
    expect(group[0]?.max_running).toBe(3);
  });
});
