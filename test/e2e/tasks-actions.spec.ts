import request from 'supertest';
import { startTestApp, type TestApp } from '../support/app.js';
import { ADMIN, bearer, createUserKey } from '../support/auth.js';
import {
  createFileTask,
  createTask,
  getTask,
  importTableOf,
  PROBLEM_JSON,
  type TaskBody,
  taskEvents,
  TASKS_PATH,
  waitForTask,
} from '../support/tasks.js';
import { waitFor } from '../support/wait.js';

/** Valid UTF-8 text, then bytes that no UTF-8 text contains. */
const CONFLICT = { type: 'urn:taskyard:problem:conflict', status: 409 };
const NOT_FOUND = { type: 'urn:taskyard:problem:not-found', status: 404 };

/** The problem+json body of a response that must have `status`. */
async function problemOf(test: request.Test, status: number): Promise<unknown> {
  const response = await test.expect(status).expect('Content-Type', PROBLEM_JSON);
  return response.body;
}

const INVALID_UTF8 = Buffer.concat([Buffer.from('hello world\n'), Buffer.from([0xff, 0xfe, 0x0a])]);

describe('tasks API: cancel, retry, delete and tenant isolation', () => {
  let testApp: TestApp;
  let acme: string;
  let globex: string;

  beforeAll(async () => {
    testApp = await startTestApp({ env: { JOBS_POLL_INTERVAL_MS: '100' } });
    acme = await createUserKey(testApp.baseUrl, 'acme');
    globex = await createUserKey(testApp.baseUrl, 'globex');
  });
  afterAll(() => testApp.close());

  const http = () => request(testApp.baseUrl);
  const post = (key: string, id: string, action: 'cancel' | 'retry') =>
    http().post(`${TASKS_PATH}/${id}/${action}`).set(bearer(key));
  const kinds = async (key: string, id: string): Promise<string[]> => {
    const events = await taskEvents(testApp.baseUrl, key, id);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    return events.map((e) => e.kind);
  };

  it('cancels a running sleep: it ends cancelled, before its 30 s are up', async () => {
    const task = await createTask(testApp.baseUrl, acme, {
      type: 'sleep',
      options: { ms: 30_000 },
    });
    await waitForTask(testApp.baseUrl, acme, task.id, ['running']);
    const response = await post(acme, task.id, 'cancel').expect(202);
    expect((response.body as TaskBody).id).toBe(task.id);
    const cancelled = await waitForTask(testApp.baseUrl, acme, task.id, ['cancelled']);
    expect(Date.parse(cancelled.finishedAt!) - Date.parse(cancelled.startedAt!)).toBeLessThan(
      30_000,
    );
    expect(cancelled.error).toMatchObject({
      type: 'urn:taskyard:problem:task-cancelled',
      title: 'Task cancelled',
    });
    expect(cancelled.result).toBeNull();
    expect(cancelled.finishedAt).not.toBeNull();
    const log = await kinds(acme, task.id);
    expect(log.slice(0, 2)).toEqual(['created', 'started']);
    expect(log.at(-1)).toBe('cancelled');
    const [job] = await testApp.database.query<{ status: string }>(
      `SELECT j.status FROM jobs j JOIN tasks t ON t.job_id = j.id WHERE t.id = $1`,
      [task.id],
    );
    expect(job?.status).toBe('cancelled');

    expect(await problemOf(post(acme, task.id, 'cancel'), 409)).toMatchObject(CONFLICT);
  });

  it('cancels a queued task at once, and it never runs', async () => {
    await http().post('/api/v1/admin/queues/tasks/pause').set(ADMIN).expect(200);
    const task = await createTask(testApp.baseUrl, acme, { type: 'echo', payload: 'never' });
    try {
      const response = await post(acme, task.id, 'cancel').expect(202);
      expect(response.body).toMatchObject({ id: task.id, status: 'cancelled' });
      expect((response.body as TaskBody).error?.type).toBe('urn:taskyard:problem:task-cancelled');
      expect(await kinds(acme, task.id)).toEqual(['created', 'cancelled']);
    } finally {
      await http().post('/api/v1/admin/queues/tasks/resume').set(ADMIN).expect(200);
    }
    const [row] = await testApp.database.query<{ status: string; started_at: Date | null }>(
      `SELECT status, started_at FROM tasks WHERE id = $1`,
      [task.id],
    );
    expect(row).toEqual({ status: 'cancelled', started_at: null });
  });

  it('answers 409 to cancelling a finished task', async () => {
    const task = await createTask(testApp.baseUrl, acme, { type: 'echo', payload: 1 });
    await waitForTask(testApp.baseUrl, acme, task.id, ['succeeded']);
    expect(await problemOf(post(acme, task.id, 'cancel'), 409)).toMatchObject(CONFLICT);
    expect((await waitForTask(testApp.baseUrl, acme, task.id)).status).toBe('succeeded');
  });

  it('retries a failed task: fresh attempts, a retrying event, and it runs again', async () => {
    const task = await createFileTask(testApp.baseUrl, acme, 'text.analyze', {
      content: INVALID_UTF8,
      filename: 'broken.txt',
    });
    const failed = await waitForTask(testApp.baseUrl, acme, task.id);
    expect(failed).toMatchObject({ status: 'failed', attempts: 1 });
    expect(failed.error?.type).toBe('urn:taskyard:problem:task-failed');
    expect(failed.error?.detail).toMatch(/not valid utf-8/i);

    const response = await post(acme, task.id, 'retry').expect(202);
    expect((response.body as TaskBody).status).toMatch(/^(queued|running|failed)$/);
    const again = await waitFor('the retried task to fail again', async () => {
      const current = await getTask(testApp.baseUrl, acme, task.id);
      return current.status === 'failed' && current.lastSeq > failed.lastSeq ? current : undefined;
    });
    expect(again).toMatchObject({ status: 'failed', attempts: 1 });
    expect(again.error?.detail).toMatch(/not valid utf-8/i);
    expect(await kinds(acme, task.id)).toEqual([
      'created',
      'started',
      'failed',
      'retrying',
      'started',
      'failed',
    ]);
    const retrying = (await taskEvents(testApp.baseUrl, acme, task.id)).find(
      (e) => e.kind === 'retrying',
    );
    expect(retrying?.data).toMatchObject({ reason: 'retry requested' });
  });

  it('answers 409 to retrying a succeeded or running task', async () => {
    const done = await createTask(testApp.baseUrl, acme, { type: 'echo', payload: 1 });
    await waitForTask(testApp.baseUrl, acme, done.id, ['succeeded']);
    expect(await problemOf(post(acme, done.id, 'retry'), 409)).toMatchObject(CONFLICT);

    const sleeping = await createTask(testApp.baseUrl, acme, {
      type: 'sleep',
      options: { ms: 30_000 },
    });
    await waitForTask(testApp.baseUrl, acme, sleeping.id, ['running']);
    expect(await problemOf(post(acme, sleeping.id, 'retry'), 409)).toMatchObject(CONFLICT);
    await post(acme, sleeping.id, 'cancel').expect(202);
    await waitForTask(testApp.baseUrl, acme, sleeping.id, ['cancelled']);
  });

  it('retries a cancelled task: it runs again', async () => {
    const task = await createTask(testApp.baseUrl, acme, {
      type: 'sleep',
      options: { ms: 30_000 },
    });
    await waitForTask(testApp.baseUrl, acme, task.id, ['running']);
    await post(acme, task.id, 'cancel').expect(202);
    const cancelled = await waitForTask(testApp.baseUrl, acme, task.id, ['cancelled']);
    await post(acme, task.id, 'retry').expect(202);
    const running = await waitFor('the retried task to run again', async () => {
      const current = await getTask(testApp.baseUrl, acme, task.id);
      return current.status === 'running' && current.lastSeq > cancelled.lastSeq
        ? current
        : undefined;
    });
    expect(running).toMatchObject({ attempts: 1, error: null, result: null, finishedAt: null });
    expect(await kinds(acme, task.id)).toEqual(
      expect.arrayContaining(['cancelled', 'retrying', 'started']),
    );
    await post(acme, task.id, 'cancel').expect(202);
    await waitForTask(testApp.baseUrl, acme, task.id, ['cancelled']);
  });

  it('deletes only finished tasks, with their events', async () => {
    const task = await createTask(testApp.baseUrl, acme, {
      type: 'sleep',
      options: { ms: 30_000 },
    });
    await waitForTask(testApp.baseUrl, acme, task.id, ['running']);
    expect(
      await problemOf(http().delete(`${TASKS_PATH}/${task.id}`).set(bearer(acme)), 409),
    ).toMatchObject(CONFLICT);
    await post(acme, task.id, 'cancel').expect(202);
    await waitForTask(testApp.baseUrl, acme, task.id, ['cancelled']);

    const response = await http().delete(`${TASKS_PATH}/${task.id}`).set(bearer(acme)).expect(204);
    expect(response.text).toBe('');
    await http().get(`${TASKS_PATH}/${task.id}`).set(bearer(acme)).expect(404);
    await http().get(`${TASKS_PATH}/${task.id}/events`).set(bearer(acme)).expect(404);
    await http().delete(`${TASKS_PATH}/${task.id}`).set(bearer(acme)).expect(404);
    const rows = await testApp.database.query<{ tasks: string; events: string }>(
      `SELECT (SELECT count(*) FROM tasks WHERE id = $1) AS tasks,
              (SELECT count(*) FROM task_events WHERE task_id = $1) AS events`,
      [task.id],
    );
    expect(rows[0]).toEqual({ tasks: '0', events: '0' });
  });

  it('keeps a task to its tenant: 404 everywhere for another, visible to an admin', async () => {
    // An import with one rejected row: it has a table and a rejects.csv artifact.
    const task = await createFileTask(
      testApp.baseUrl,
      acme,
      'csv.import',
      { content: 'n\n1\nsecret\n', filename: 'acme.csv' },
      { columns: [{ name: 'n', type: 'int' }] },
    );
    expect(await waitForTask(testApp.baseUrl, acme, task.id)).toMatchObject({
      status: 'succeeded',
      result: { rowsLoaded: 1, rowsRejected: 1 },
    });
    const path = `${TASKS_PATH}/${task.id}`;
    const own = await http().get(`${path}/artifacts/rejects.csv`).set(bearer(acme)).expect(200);
    expect(own.headers['content-type']).toMatch(/^text\/csv/);
    for (const test of [
      http().get(path),
      http().get(`${path}/events`),
      http().post(`${path}/cancel`),
      http().post(`${path}/retry`),
      http().delete(path),
      http().get(`${path}/artifacts/rejects.csv`),
    ]) {
      const response = await test
        .set(bearer(globex))
        .expect(404)
        .expect('Content-Type', PROBLEM_JSON);
      expect(response.body.type).toBe('urn:taskyard:problem:not-found');
      expect(JSON.stringify(response.body)).not.toContain('secret');
    }
    const list = await http().get(TASKS_PATH).query({ limit: 100 }).set(bearer(globex)).expect(200);
    expect((list.body as { items: TaskBody[] }).items.map((t) => t.id)).not.toContain(task.id);

    const ownList = await http()
      .get(TASKS_PATH)
      .query({ limit: 100 })
      .set(bearer(acme))
      .expect(200);
    expect((ownList.body as { items: TaskBody[] }).items.map((t) => t.id)).toContain(task.id);

    const asAdmin = await http().get(path).set(ADMIN).expect(200);
    expect(asAdmin.body).toMatchObject({ id: task.id, tenant: 'acme', status: 'succeeded' });
    const adminList = await http().get(TASKS_PATH).query({ limit: 100 }).set(ADMIN).expect(200);
    expect((adminList.body as { items: TaskBody[] }).items).toContainEqual(
      expect.objectContaining({ id: task.id, tenant: 'acme' }),
    );
    // Still there, untouched by the other tenant's attempts: row, table and artifact.
    const [row] = await testApp.database.query<{
      status: string;
      loaded: string;
      artifacts: string;
    }>(
      `SELECT status, to_regclass($2)::text AS loaded,
              (SELECT count(*) FROM files WHERE task_id = $1)::text AS artifacts
       FROM tasks WHERE id = $1`,
      [task.id, importTableOf(task.id)],
    );
    expect(row).toEqual({ status: 'succeeded', loaded: expect.any(String), artifacts: '1' });
  });

  it('answers 404 for ids that are not uuids or do not exist', async () => {
    for (const id of ['nope', '00000000-0000-4000-8000-000000000000']) {
      for (const test of [
        http().get(`${TASKS_PATH}/${id}`),
        http().get(`${TASKS_PATH}/${id}`).set('Prefer', 'wait=5'),
        http().get(`${TASKS_PATH}/${id}/events`),
        http().post(`${TASKS_PATH}/${id}/cancel`),
      ]) {
        expect(await problemOf(test.set(bearer(acme)), 404)).toMatchObject(NOT_FOUND);
      }
    }
  });
});
