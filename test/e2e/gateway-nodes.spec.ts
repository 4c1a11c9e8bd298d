import type { Namespace } from 'socket.io';
import request from 'supertest';
import { TasksGateway } from '../../src/gateway/tasks.gateway.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { TEST_ADMIN_KEY } from '../support/auth.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { connectTasks, type TestSocket } from '../support/sockets.js';
import { waitFor } from '../support/wait.js';

const namespaceOf = (app: TestApp): Namespace =>
  Reflect.get(app.app.get(TasksGateway), 'namespace') as Namespace;

/** Two API nodes on one database: @socket.io/postgres-adapter joins their namespaces. */
describe('the /tasks namespace across two API nodes', () => {
  let database: TestDatabase;
  let nodeA: TestApp;
  let nodeB: TestApp;
  const clients: TestSocket[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    nodeA = await startTestApp({ database });
    nodeB = await startTestApp({ database });
  });
  afterAll(async () => {
    for (const client of clients) client.close();
    await nodeA.close();
    await nodeB.close();
    await database.drop();
  });

  it('lets one node see, reach and broadcast to the clients of the other', async () => {
    const onB = await connectTasks(nodeB.baseUrl, { token: TEST_ADMIN_KEY });
    clients.push(onB);
    const seen = await waitFor('node A to see the client of node B', async () => {
      const sockets = await namespaceOf(nodeA).fetchSockets();
      return sockets.some((socket) => socket.id === onB.socket.id) && sockets;
    });
    expect(seen.length).toBeGreaterThanOrEqual(1);

    const received = new Promise((resolve) => onB.socket.once('notice', resolve));
    namespaceOf(nodeA).emit('notice', { from: 'node A' });
    expect(await received).toEqual({ from: 'node A' });
  });

  it('counts its clients and events on /metrics', async () => {
    const onA = await connectTasks(nodeA.baseUrl, { token: TEST_ADMIN_KEY });
    clients.push(onA);
    const metrics = (await request(nodeA.baseUrl).get('/metrics').expect(200)).text;
    expect(metrics).toMatch(/^taskyard_gateway_clients [1-9]/m);
    expect(metrics).toContain('taskyard_gateway_events_emitted_total');
    expect(metrics).toContain('taskyard_gateway_event_delay_seconds_bucket');
  });
});
