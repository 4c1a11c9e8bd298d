import { setTimeout as sleep } from 'node:timers/promises';
import request from 'supertest';
import { startTestApp, type TestApp } from '../support/app.js';
import { ADMIN, bearer, createUserKey } from '../support/auth.js';
import {
  adminQuery,
  createTestDatabase,
  TEST_SCHEMA,
  type TestDatabase,
  urlForDatabase,
} from '../support/database.js';
import { describeWithPgBouncer, type PgBouncer, startPgBouncer } from '../support/pgbouncer.js';
import { connectTasks, type TestSocket } from '../support/sockets.js';
import { createTask, TASKS_PATH, waitForTask } from '../support/tasks.js';
import { waitFor } from '../support/wait.js';

const FINAL = ['succeeded', 'failed', 'cancelled'];

/** DATABASE_URL through the pooler; LISTEN and migrations on `listen`. */
function pooledEnv(bouncer: PgBouncer, database: TestDatabase, listen: string) {
  return {
    DATABASE_URL: bouncer.urlFor(database.name),
    DATABASE_LISTEN_URL: listen,
    DATABASE_POOLER: 'transaction',
    // PgBouncer before 1.21 (Debian 12's is 1.18) cannot keep named prepared statements.
    DATABASE_PREPARED_STATEMENTS: String(bouncer.keepsPreparedStatements),
    JOBS_POLL_INTERVAL_MS: '200',
    // Renewed every 500 ms: in poll-only mode, renewals are what carry a cancel to a running job.
    JOBS_LEASE_MS: '1500',
  };
}

/** Creates echo tasks over REST and waits until a socket subscribed to `all` saw each end. */
async function runTasksWatched(testApp: TestApp, key: string, count: number) {
  const socket: TestSocket = await connectTasks(testApp.baseUrl, { token: key });
  try {
    expect(await socket.subscribe({ all: true })).toMatchObject({ ok: true });
    const ids: string[] = [];
    for (let n = 0; n < count; n++) {
      ids.push((await createTask(testApp.baseUrl, key, { type: 'echo', payload: { n } })).id);
    }
    await waitFor(
      'every task to end on the socket',
      () => ids.every((id) => socket.events.some((e) => e.taskId === id && FINAL.includes(e.kind))),
      30_000,
    );
    for (const id of ids) {
      const task = await waitForTask(testApp.baseUrl, key, id);
      expect(task.status).toBe('succeeded');
      expect(task.result).toEqual({ n: ids.indexOf(id) });
    }
    return socket.events.filter((e) => ids.includes(e.taskId));
  } finally {
    socket.close();
  }
}

describeWithPgBouncer('behind PgBouncer in transaction pooling mode', () => {
  let bouncer: PgBouncer;
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
    // No start-up option passes the pooler: the search_path comes from the database's settings.
    await adminQuery(`ALTER DATABASE ${database.name} SET search_path = ${TEST_SCHEMA}`);
    bouncer = await startPgBouncer(urlForDatabase(database.name));
  });
  afterAll(async () => {
    await bouncer?.stop();
    await database?.drop();
  });

  // In this order: the first mode migrates the database, the second has no direct connection to.
  const modes = [
    { mode: 'with LISTEN on a direct connection (DATABASE_LISTEN_URL)', pollOnly: false },
    { mode: 'poll-only (DATABASE_LISTEN_URL=none)', pollOnly: true },
  ];
  describe.each(modes)('$mode', ({ pollOnly }) => {
    let testApp: TestApp;
    let key: string;

    beforeAll(async () => {
      const env = pooledEnv(bouncer, database, pollOnly ? 'none' : database.url);
      testApp = await startTestApp({
        database,
        // Poll-only has no direct connection for migrations: the first mode's app made the schema.
        env: pollOnly ? { ...env, MIGRATIONS_RUN: 'false' } : env,
      });
      key = await createUserKey(testApp.baseUrl, pollOnly ? 'globex' : 'acme');
    });
    afterAll(() => testApp?.close());

    it('runs tasks created over REST through the pooler, and a Socket.IO client sees them end', async () => {
      const before = await bouncer.transactions(database.name);
      const events = await runTasksWatched(testApp, key, 5);
      expect(events.filter((e) => e.kind === 'succeeded')).toHaveLength(5);
      // The app's reads and writes went through PgBouncer, not around it.
      expect(await bouncer.transactions(database.name)).toBeGreaterThan(before);
    });

    it('answers a long poll at the task change it waited for', async () => {
      const task = await createTask(testApp.baseUrl, key, { type: 'sleep', options: { ms: 300 } });
      const response = await request(testApp.baseUrl)
        .get(`${TASKS_PATH}/${task.id}`)
        .set(bearer(key))
        .set('Prefer', 'wait=20')
        .expect(200);
      expect((response.body as { lastSeq: number }).lastSeq).toBeGreaterThan(task.lastSeq);
    });

    it('stops a running task that is cancelled (poll-only: at its next lease renewal)', async () => {
      const task = await createTask(testApp.baseUrl, key, {
        type: 'sleep',
        options: { ms: 600_000 },
      });
      await waitForTask(testApp.baseUrl, key, task.id, ['running']);
      await request(testApp.baseUrl)
        .post(`${TASKS_PATH}/${task.id}/cancel`)
        .set(bearer(key))
        .expect(202);
      const cancelled = await waitForTask(testApp.baseUrl, key, task.id, ['cancelled']);
      expect(cancelled.error).toMatchObject({ type: 'urn:taskyard:problem:task-cancelled' });
    });

    it("hands a remote worker's waiting claim the task created while it waits", async () => {
      const tenant = pollOnly ? 'globex' : 'acme';
      const http = () => request(testApp.baseUrl);
      const created = await http()
        .post('/api/v1/admin/keys')
        .set(ADMIN)
        .send({ tenant, name: 'remote-worker', role: 'worker' })
        .expect(201);
      const worker = bearer((created.body as { key: string }).key);
      await http()
        .put('/api/v1/workers/gpu-1')
        .set(worker)
        .send({ types: [{ type: 'image.resize', input: 'payload' }] })
        .expect(200);
      const claim = http()
        .post('/api/v1/workers/gpu-1/claims')
        .set(worker)
        .set('Prefer', 'wait=20')
        .send({ max: 1 })
        .then((response) => response.body as { tasks: { id: string }[] });
      // Let the claim find nothing and wait (created earlier, the task is simply claimed at once).
      await sleep(300);
      const task = await createTask(testApp.baseUrl, key, { type: 'image.resize', payload: {} });
      expect((await claim).tasks.map((t) => t.id)).toEqual([task.id]);
    });

    it('reports the worker ready, listener or not', async () => {
      const response = await request(testApp.baseUrl).get('/health/ready').set(ADMIN);
      expect(response.status).toBe(200);
    });
  });

  it('refuses to start when connections through the pooler do not find the schema', async () => {
    const other = await createTestDatabase();
    try {
      const started = await startTestApp({
        database: other,
        env: pooledEnv(bouncer, other, other.url),
      }).catch((error: unknown) => error as Error);
      if (!(started instanceof Error)) await started.close();
      expect(started).toBeInstanceOf(Error);
      expect((started as Error).message).toMatch(/ALTER ROLE .* SET search_path = taskyard/);
    } finally {
      await other.drop();
    }
  });
});
