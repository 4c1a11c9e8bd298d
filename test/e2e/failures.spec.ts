import request from 'supertest';
import { type FailureGroup as Group, Taskyard } from '../../src/client/index.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { ADMIN, bearer, createUserKey, TEST_ADMIN_KEY } from '../support/auth.js';
import {
  createTask,
  getTask,
  PROBLEM_JSON,
  taskEvents,
  TASKS_PATH,
  waitForTask,
} from '../support/tasks.js';

const FAILURES = '/api/v1/admin/failures';

describe('admin failures: grouped by error, retried and discarded a group at a time', () => {
  let t: TestApp;
  let acme: string;
  let globex: string;

  beforeAll(async () => {
    t = await startTestApp({ env: { JOBS_POLL_INTERVAL_MS: '100' } });
    acme = await createUserKey(t.baseUrl, 'acme');
    globex = await createUserKey(t.baseUrl, 'globex');
  });
  afterAll(() => t.close());

  const http = () => request(t.baseUrl);
  const pause = () => http().post('/api/v1/admin/queues/tasks/pause').set(ADMIN).expect(200);
  const resume = () => http().post('/api/v1/admin/queues/tasks/resume').set(ADMIN).expect(200);

  /** Queued echo tasks, failed through their jobs as a worker's last attempt fails them. */
  async function failedTasks(key: string, type: string, details: string[]): Promise<string[]> {
    await pause();
    const ids: string[] = [];
    for (const detail of details) {
      const task = await createTask(t.baseUrl, key, { type, payload: { detail } });
      await t.database.query(
        `UPDATE jobs SET status = 'failed', attempts = 1, finished_at = now(), error_kind = 'error',
           error_detail = $2, last_error = 'Error: ' || $2
         WHERE id = (SELECT job_id FROM tasks WHERE id = $1)`,
        [task.id, detail],
      );
      ids.push(task.id);
    }
    for (const id of ids) expect((await getTask(t.baseUrl, key, id)).status).toBe('failed');
    return ids;
  }

  const groups = async (query: Record<string, string> = {}): Promise<Group[]> =>
    ((await http().get(FAILURES).query(query).set(ADMIN).expect(200)).body as { groups: Group[] })
      .groups;
  const groupOf = async (taskIds: string[], query: Record<string, string> = {}) => {
    const found = (await groups(query)).filter((g) => taskIds.includes(g.sampleTaskId));
    expect(found).toHaveLength(1);
    return found[0];
  };

  it('groups by type, title and detail with digits and UUIDs masked', async () => {
    const rows = await failedTasks(acme, 'echo', ['row 17: bad date', 'row 18: bad date']);
    const more = await failedTasks(globex, 'echo', ['row 1234: bad date']);
    const files = await failedTasks(acme, 'echo', [
      'file 3f2a1c9e-8b7d-4e6f-a5b4-c3d2e1f0a9b8 missing',
      'file 00000000-0000-4000-8000-000000000000 missing',
    ]);
    const other = await failedTasks(acme, 'echo', ['row 17: bad number']);

    const dates = (await groups()).find((g) => g.error.detail === 'row <n>: bad date');
    expect(dates).toMatchObject({
      type: 'echo',
      count: 3,
      error: {
        type: 'urn:taskyard:problem:task-failed',
        title: 'Task failed',
        detail: 'row <n>: bad date',
      },
      sampleTaskId: more[0],
    });
    expect(dates!.key).toMatch(/^[0-9a-f]{32}$/);
    expect(Date.parse(dates!.firstSeen)).toBeLessThanOrEqual(Date.parse(dates!.lastSeen));
    expect((await groupOf(files)).error.detail).toBe('file <uuid> missing');
    expect((await groupOf(files)).count).toBe(2);
    expect((await groupOf(other)).count).toBe(1);
    expect(new Set((await groups()).map((g) => g.key)).size).toBe(3);

    const acmeOnly = (await groups({ tenant: 'acme' })).find((g) => g.key === dates!.key);
    expect(acmeOnly?.count).toBe(2);
    expect(rows).toHaveLength(2);
    expect(await groups({ type: 'sleep' })).toEqual([]);
    expect(await groups({ queue: 'nothing-here' })).toEqual([]);
    expect((await groups({ queue: 'tasks' })).length).toBe(3);
  });

  it('retries a group: its tasks are queued again with a retrying event, and run', async () => {
    const group = await failedTasks(acme, 'echo', ['retry me 1', 'retry me 2']);
    const kept = await failedTasks(acme, 'echo', ['keep me']);
    const { key } = await groupOf(group);
    const retried = await http().post(`${FAILURES}/retry`).set(ADMIN).send({ key }).expect(200);
    expect(retried.body).toEqual({ affected: 2, remaining: 0 });
    for (const id of group) {
      expect((await getTask(t.baseUrl, acme, id)).status).toBe('queued');
      const events = await taskEvents(t.baseUrl, acme, id);
      expect(events.at(-1)).toMatchObject({
        kind: 'retrying',
        data: { reason: 'retry requested' },
      });
    }
    expect((await getTask(t.baseUrl, acme, kept[0])).status).toBe('failed');

    await resume();
    for (const id of group) {
      const done = await waitForTask(t.baseUrl, acme, id);
      expect(done).toMatchObject({ status: 'succeeded', result: { detail: expect.any(String) } });
    }
    expect((await groups()).some((g) => g.key === key)).toBe(false);
  });

  it('retries a group once when two calls race for it', async () => {
    const group = await failedTasks(globex, 'echo', ['race 1', 'race 2', 'race 3', 'race 4']);
    const { key } = await groupOf(group);
    const calls = await Promise.all(
      [1, 2].map(() => http().post(`${FAILURES}/retry`).set(ADMIN).send({ key }).expect(200)),
    );
    const affected = calls.map((c) => (c.body as { affected: number }).affected);
    expect(affected[0] + affected[1]).toBe(group.length);
    for (const id of group) {
      const retrying = (await taskEvents(t.baseUrl, globex, id)).filter(
        (e) => e.kind === 'retrying',
      );
      expect(retrying).toHaveLength(1);
    }
  });

  it('discards a group: its tasks and their events are gone, others stay', async () => {
    const group = await failedTasks(acme, 'echo', ['discard me 7', 'discard me 8']);
    const kept = await failedTasks(acme, 'echo', ['keep me too']);
    const { key } = await groupOf(group);
    const discarded = await http().post(`${FAILURES}/discard`).set(ADMIN).send({ key }).expect(200);
    expect(discarded.body).toEqual({ affected: 2, remaining: 0 });
    for (const id of group) await http().get(`${TASKS_PATH}/${id}`).set(bearer(acme)).expect(404);
    const left = await t.database.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM task_events WHERE task_id = ANY($1::uuid[])`,
      [group],
    );
    expect(left[0]?.n).toBe(0);
    expect((await getTask(t.baseUrl, acme, kept[0])).status).toBe('failed');
  });

  it('acts on all the filters select with all: true, and on nothing else', async () => {
    await failedTasks(globex, 'echo', ['all of globex 1', 'all of globex 2']);
    const acmeFailed = await failedTasks(acme, 'echo', ['acme stays']);
    const body = { all: true, tenant: 'globex' };
    const discarded = await http().post(`${FAILURES}/discard`).set(ADMIN).send(body).expect(200);
    expect((discarded.body as { affected: number }).affected).toBeGreaterThanOrEqual(2);
    expect(await groups({ tenant: 'globex' })).toEqual([]);
    expect((await getTask(t.baseUrl, acme, acmeFailed[0])).status).toBe('failed');
  });

  it('is reached through the SDK: failureGroups, retryFailures, discardFailures', async () => {
    const admin = new Taskyard({ url: t.baseUrl, key: TEST_ADMIN_KEY });
    const group = await failedTasks(acme, 'echo', ['sdk 1', 'sdk 2']);
    const found = (await admin.failureGroups({ tenant: 'acme' })).find((g) =>
      group.includes(g.sampleTaskId),
    );
    expect(found?.count).toBe(2);
    const key = found!.key;
    expect(await admin.retryFailures({ key, type: 'sleep' })).toEqual({
      affected: 0,
      remaining: 0,
    });
    expect(await admin.discardFailures({ key })).toEqual({ affected: 2, remaining: 0 });
    await expect(admin.retryFailures({} as never)).rejects.toMatchObject({ status: 422 });
  });

  it('answers 422 problem+json to a body that names no failures or is malformed', async () => {
    for (const body of [
      {},
      { type: 'echo' },
      { all: false },
      { key: 'not-a-key' },
      { all: true, unknown: 1 },
      { all: true, tenant: 'Not A Tenant' },
    ]) {
      for (const action of ['retry', 'discard']) {
        const response = await http().post(`${FAILURES}/${action}`).set(ADMIN).send(body);
        expect({ body, status: response.status }).toEqual({ body, status: 422 });
        expect(response.headers['content-type']).toMatch(PROBLEM_JSON);
        expect(response.body).toMatchObject({ type: 'urn:taskyard:problem:validation-failed' });
      }
    }
    await http().get(FAILURES).query({ queue: 'bad queue!' }).set(ADMIN).expect(422);
  });

  it('answers 404 to a user key, as if the routes did not exist', async () => {
    await http().get(FAILURES).set(bearer(acme)).expect(404);
    for (const action of ['retry', 'discard']) {
      await http()
        .post(`${FAILURES}/${action}`)
        .set(bearer(acme))
        .send({ all: true })
        .expect(404)
        .expect('Content-Type', PROBLEM_JSON);
    }
    expect((await groups({ tenant: 'acme' })).length).toBeGreaterThan(0);
  });
});
