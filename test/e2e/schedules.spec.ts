import request from 'supertest';
import { ScheduleTicker } from '../../src/schedules/schedule-ticker.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { ADMIN, bearer, createUserKey } from '../support/auth.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { PROBLEM_JSON } from '../support/tasks.js';

interface Schedule {
  id: string;
  nextRuns: string[];
  paused: boolean;
  lastRunAt: string | null;
  lastTaskId: string | null;
  lastError: string | null;
}

const ROUTE = '/api/v1/schedules';
const HOURLY = { type: 'echo', payload: { hello: 'hourly' }, cron: '0 * * * *' };

/** POST /api/v1/schedules and the ticker, with its clock given by the test. */
describe('schedules', () => {
  let database: TestDatabase;
  let app: TestApp;
  let key: string;

  const http = () => request(app.baseUrl);
  const create = (body: object, as = key) => http().post(ROUTE).set(bearer(as)).send(body);
  const ticker = () => app.app.get(ScheduleTicker);
  /** The tasks a schedule made, by the tick in their idempotency key. */
  const tasksOf = async (id: string) =>
    database.query<{ id: string; idempotency_key: string; payload: unknown }>(
      `SELECT id, idempotency_key, payload FROM tasks WHERE idempotency_key LIKE $1
       ORDER BY idempotency_key`,
      [`schedule:${id}:%`],
    );
  const setNextRun = (id: string, at: string) =>
    database.query('UPDATE task_schedules SET next_run_at = $2 WHERE id = $1', [id, at]);

  beforeAll(async () => {
    database = await createTestDatabase();
    // The background ticker waits an hour: each test runs it with a clock of its own.
    app = await startTestApp({ database, env: { SCHEDULES_POLL_MS: '3600000' } });
    key = await createUserKey(app.baseUrl, 'acme');
  });
  afterEach(() => database.query('DELETE FROM task_schedules'));
  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  it('creates, lists, pauses, resumes and deletes a schedule, with its next runs', async () => {
    const made = await create({ ...HOURLY, timezone: 'Asia/Kolkata' }).expect(201);
    const schedule = made.body as Schedule;
    expect(schedule).toMatchObject({ paused: false, lastRunAt: null, lastTaskId: null });
    expect(schedule.nextRuns).toHaveLength(5);
    // Kolkata is UTC+05:30: its hours start at half past in UTC.
    for (const run of schedule.nextRuns) expect(run).toMatch(/T\d\d:30:00\.000Z$/);
    const list = await http().get(ROUTE).set(bearer(key)).expect(200);
    expect((list.body as Schedule[]).map((s) => s.id)).toEqual([schedule.id]);

    const other = await createUserKey(app.baseUrl, 'other');
    await http().get(`${ROUTE}/${schedule.id}`).set(bearer(other)).expect(404);
    expect((await http().get(ROUTE).set(bearer(other)).expect(200)).body).toEqual([]);

    const paused = await http().post(`${ROUTE}/${schedule.id}/pause`).set(bearer(key)).expect(200);
    expect(paused.body).toMatchObject({ paused: true, nextRuns: [] });
    const resumed = await http()
      .post(`${ROUTE}/${schedule.id}/resume`)
      .set(bearer(key))
      .expect(200);
    expect(resumed.body).toMatchObject({ paused: false, nextRuns: schedule.nextRuns });
    await http().delete(`${ROUTE}/${schedule.id}`).set(bearer(key)).expect(204);
    await http().get(`${ROUTE}/${schedule.id}`).set(bearer(key)).expect(404);
  });

  it('refuses bad schedules with 422 and the fields at fault', async () => {
    const cases: [object, string][] = [
      [{ ...HOURLY, cron: '61 * * * *' }, 'cron'],
      [{ ...HOURLY, cron: '* * * * * *' }, 'cron'],
      [{ ...HOURLY, timezone: 'Europe/Atlantis' }, 'timezone'],
      [{ ...HOURLY, type: 'no.such.type' }, 'type'],
      [{ ...HOURLY, type: 'csv.import' }, 'payload'],
      [{ type: 'csv.import', cron: HOURLY.cron }, 'fileId'],
      [
        { type: 'csv.import', cron: HOURLY.cron, fileId: '00000000-0000-4000-8000-000000000000' },
        'fileId',
      ],
      [{ type: 'echo' }, 'cron'],
    ];
    for (const [body, field] of cases) {
      const refused = await create(body).expect(422).expect('Content-Type', PROBLEM_JSON);
      const fields = (refused.body as { errors: { field: string }[] }).errors.map((e) => e.field);
      expect(fields).toContain(field);
    }
    expect(await database.query('SELECT id FROM task_schedules')).toEqual([]);
  });

  it('makes one task per tick, once, however often the ticker runs or a process redoes it', async () => {
    const schedule = (await create(HOURLY).expect(201)).body as Schedule;
    const tick = '2030-01-01T10:00:00.000Z';
    await setNextRun(schedule.id, tick);
    const now = new Date('2030-01-01T10:00:00.500Z');
    expect(await ticker().runDue(now)).toBe(1);
    expect(await ticker().runDue(now)).toBe(0);
    // A process that made the task and died before moving the schedule on: the tick runs again.
    await setNextRun(schedule.id, tick);
    expect(await ticker().runDue(now)).toBe(1);
    const tasks = await tasksOf(schedule.id);
    expect(tasks).toEqual([
      {
        id: expect.any(String),
        idempotency_key: `schedule:${schedule.id}:${tick}`,
        payload: HOURLY.payload,
      },
    ]);
    const after = (await http().get(`${ROUTE}/${schedule.id}`).set(bearer(key))).body as Schedule;
    expect(after).toMatchObject({ lastRunAt: tick, lastTaskId: tasks[0]?.id, lastError: null });
    const [row] = await database.query<{ next_run_at: Date }>(
      'SELECT next_run_at FROM task_schedules WHERE id = $1',
      [schedule.id],
    );
    expect(row?.next_run_at.toISOString()).toBe('2030-01-01T11:00:00.000Z');
  });

  it('runs the latest of the ticks missed while nothing ran, once, and skips the older ones', async () => {
    const schedule = (await create(HOURLY).expect(201)).body as Schedule;
    await setNextRun(schedule.id, '2030-01-01T05:00:00.000Z');
    expect(await ticker().runDue(new Date('2030-01-01T10:20:00Z'))).toBe(1);
    const tasks = await tasksOf(schedule.id);
    expect(tasks.map((t) => t.idempotency_key)).toEqual([
      `schedule:${schedule.id}:2030-01-01T10:00:00.000Z`,
    ]);
  });

  it('follows its zone across a DST change', async () => {
    const body = { ...HOURLY, cron: '30 2 * * *', timezone: 'Europe/Berlin' };
    const schedule = (await create(body).expect(201)).body as Schedule;
    // 28 March 2027: 02:30 does not exist in Berlin, so it runs at 03:00 CEST (01:00Z).
    await setNextRun(schedule.id, '2027-03-28T01:00:00.000Z');
    await ticker().runDue(new Date('2027-03-28T01:00:01Z'));
    await ticker().runDue(new Date('2027-03-29T00:30:01Z'));
    expect((await tasksOf(schedule.id)).map((t) => t.idempotency_key)).toEqual([
      `schedule:${schedule.id}:2027-03-28T01:00:00.000Z`,
      `schedule:${schedule.id}:2027-03-29T00:30:00.000Z`,
    ]);
  });

  it('skips a tick the tenant cannot take (queued-tasks limit) and says why', async () => {
    const capped = await createUserKey(app.baseUrl, 'capped');
    await http()
      .put('/api/v1/admin/tenants/capped/limits')
      .set(ADMIN)
      .send({ maxQueuedTasks: 1 })
      .expect(200);
    const schedule = (await create({ ...HOURLY, payload: 1 }, capped).expect(201)).body as Schedule;
    await http().post('/api/v1/admin/queues/tasks/pause').set(ADMIN).expect(200);
    try {
      await http().post('/api/v1/tasks').set(bearer(capped)).send({ type: 'echo' }).expect(202);
      await setNextRun(schedule.id, '2030-01-01T10:00:00.000Z');
      expect(await ticker().runDue(new Date('2030-01-01T10:00:01Z'))).toBe(1);
    } finally {
      await http().post('/api/v1/admin/queues/tasks/resume').set(ADMIN).expect(200);
    }
    expect(await tasksOf(schedule.id)).toEqual([]);
    const after = (await http().get(`${ROUTE}/${schedule.id}`).set(bearer(capped)))
      .body as Schedule;
    expect(after.lastRunAt).toBe('2030-01-01T10:00:00.000Z');
    expect(after.lastError).toMatch(/queued tasks/);
  });
});
