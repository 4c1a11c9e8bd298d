import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TenantEvent } from '../../src/client/follow-tenant.js';
import { TEST_ADMIN_KEY } from '../support/auth.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { listeningPort, spawnService, type ServiceProcess } from '../support/service-process.js';
import { connectTasks, type TestSocket } from '../support/sockets.js';
import { createTask, taskEvents } from '../support/tasks.js';
import { waitFor } from '../support/wait.js';

/** Two API nodes and one worker on one PostgreSQL: events written by the worker reach both nodes' clients. */
describe('live task events across processes', () => {
  let database: TestDatabase;
  let dataDir: string;
  const services: ServiceProcess[] = [];
  const sockets: TestSocket[] = [];

  const start = async (role: 'api' | 'worker'): Promise<string> => {
    const service = spawnService({
      DATABASE_URL: database.url,
      DATA_DIR: dataDir,
      PORT: '0',
      HOST: '127.0.0.1',
      ROLE: role,
      LOG_LEVEL: 'info',
      ADMIN_API_KEY: TEST_ADMIN_KEY,
      JOBS_POLL_INTERVAL_MS: '100',
    });
    services.push(service);
    return `http://127.0.0.1:${await listeningPort(service)}`;
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    dataDir = await mkdtemp(path.join(tmpdir(), 'taskyard-gateway-data-'));
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    for (const service of services) service.child.kill('SIGKILL');
    await Promise.all(services.map((s) => s.exited));
    await database.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('sends the same events, in order, to clients of two API nodes for a task run by a worker', async () => {
    const [nodeA, nodeB] = await Promise.all([start('api'), start('api')]);
    const onA = await connectTasks(nodeA, { token: TEST_ADMIN_KEY });
    const onB = await connectTasks(nodeB, { token: TEST_ADMIN_KEY });
    sockets.push(onA, onB);
    expect(await onB.subscribe({ all: true })).toMatchObject({ ok: true });

    // Created on node A while no worker runs: it waits, queued.
    const task = await createTask(nodeA, TEST_ADMIN_KEY, { type: 'sleep', options: { ms: 800 } });
    expect(await onA.subscribe({ taskId: task.id })).toEqual({ ok: true });
    await start('worker');

    const ended = (client: TestSocket) =>
      client.events.some((e) => e.taskId === task.id && e.kind === 'succeeded');
    await waitFor('both clients to see the end', () => ended(onA) && ended(onB), 20_000);

    const log = await taskEvents(nodeA, TEST_ADMIN_KEY, task.id);
    const fromA = onA.events.filter((e) => e.taskId === task.id);
    expect(fromA).toEqual(log);
    // Following the tenant, node B's client joins at the first event written after it subscribed.
    const fromB = (onB.events as TenantEvent[])
      .filter((e) => e.taskId === task.id)
      .map(({ position: _position, ...event }) => event);
    expect(fromB).toEqual(log.slice(log.length - fromB.length));
    expect(fromB.map((e) => e.kind)).toContain('started');
  });
});
