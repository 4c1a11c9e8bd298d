import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { bearer, createUserKey, TEST_ADMIN_KEY } from '../support/auth.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { listeningPort, spawnService, type ServiceProcess } from '../support/service-process.js';

/** Two service processes (dist/main.js) on one database, each ticking every 100 ms. */
describe('schedules across two processes', () => {
  let database: TestDatabase;
  let dataDir: string;
  const services: ServiceProcess[] = [];

  async function start(): Promise<string> {
    const service = spawnService({
      DATABASE_URL: database.url,
      DATA_DIR: dataDir,
      PORT: '0',
      HOST: '127.0.0.1',
      ROLE: 'all',
      LOG_LEVEL: 'info',
      ADMIN_API_KEY: TEST_ADMIN_KEY,
      SCHEDULES_POLL_MS: '100',
      SCHEDULES_MIN_INTERVAL_S: '1',
    });
    services.push(service);
    return `http://127.0.0.1:${await listeningPort(service)}`;
  }

  beforeAll(async () => {
    database = await createTestDatabase();
    dataDir = await mkdtemp(path.join(tmpdir(), 'taskyard-schedules-'));
  });
  afterAll(async () => {
    await Promise.all(
      services.map(async (service) => {
        service.child.kill('SIGTERM');
        await service.exited;
      }),
    );
    await database?.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('makes each tick of a per-second schedule once, and the schedule names the last', async () => {
    const [a, b] = await Promise.all([start(), start()]);
    const key = await createUserKey(a, 'acme');
    const made = await request(a)
      .post('/api/v1/schedules')
      .set(bearer(key))
      .send({ type: 'echo', payload: 1, cron: '* * * * * *' })
      .expect(201);
    const { id } = made.body as { id: string };
    await new Promise((resolve) => setTimeout(resolve, 3_500));
    await request(b).post(`/api/v1/schedules/${id}/pause`).set(bearer(key)).expect(200);
    const tasks = await database.query<{ id: string; tick: string }>(
      `SELECT id, substr(idempotency_key, length($1) + 1) AS tick FROM tasks
       WHERE idempotency_key LIKE $1 || '%' ORDER BY created_at`,
      [`schedule:${id}:`],
    );
    const ticks = tasks.map((task) => task.tick);
    expect(ticks.length).toBeGreaterThanOrEqual(2);
    expect(new Set(ticks).size).toBe(ticks.length);
    // Whole seconds, increasing: each made for its own tick, in order.
    for (const tick of ticks) expect(tick).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/);
    expect(ticks.toSorted()).toEqual(ticks);
    const [schedule] = await database.query<{ last_task_id: string; last_run_at: Date }>(
      'SELECT last_task_id, last_run_at FROM task_schedules WHERE id = $1',
      [id],
    );
    expect(schedule?.last_task_id).toBe(tasks.at(-1)?.id);
    expect(schedule?.last_run_at.toISOString()).toBe(ticks.at(-1));
  });
});
