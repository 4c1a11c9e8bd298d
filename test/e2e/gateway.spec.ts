import type { Namespace } from 'socket.io';
import request from 'supertest';
import { followTask, type TaskEvent } from '../../src/client/follow-task.js';
import { TasksGateway } from '../../src/gateway/tasks.gateway.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { ADMIN, createUserKey } from '../support/auth.js';
import { FloodProcessorModule } from '../support/flood-processor.js';
import { connectTasks, type TestSocket } from '../support/sockets.js';
import { createTask, taskEvents, waitForTask } from '../support/tasks.js';
import { waitFor } from '../support/wait.js';

const FINAL = ['succeeded', 'failed', 'cancelled'];

const seqs = (events: TaskEvent[], taskId: string) =>
  events.filter((e) => e.taskId === taskId).map((e) => e.seq);
/** Waits for the task's terminal event; on a timeout, says what came and what the log holds. */
const ended = async (client: TestSocket, taskId: string, baseUrl: string, key: string) => {
  try {
    await waitFor(
      `the end of task ${taskId}`,
      () => client.events.some((e) => e.taskId === taskId && FINAL.includes(e.kind)),
      30_000,
    );
  } catch (error) {
    const got = client.events.filter((e) => e.taskId === taskId).map((e) => e.kind);
    const log = (await taskEvents(baseUrl, key, taskId)).map((e) => e.kind);
    throw new Error(
      `${(error as Error).message}; received [${got.join()}], the log has [${log.join()}]`,
      { cause: error },
    );
  }
};

describe('live task events over Socket.IO (/tasks)', () => {
  let testApp: TestApp;
  let acme: string;
  let globex: string;
  const open: TestSocket[] = [];

  const connect = async (key: string): Promise<TestSocket> => {
    const client = await connectTasks(testApp.baseUrl, { token: key });
    open.push(client);
    return client;
  };
  beforeAll(async () => {
    testApp = await startTestApp({
      env: { JOBS_POLL_INTERVAL_MS: '100' },
      modules: [FloodProcessorModule],
    });
    acme = await createUserKey(testApp.baseUrl, 'acme');
    globex = await createUserKey(testApp.baseUrl, 'globex');
  });
  afterEach(() => {
    for (const client of open.splice(0)) client.close();
  });
  afterAll(() => testApp.close());

  it('refuses a missing or unknown key at connect, with a problem the client can read; takes the header too', async () => {
    for (const auth of [{}, { token: 'ty_not-a-key' }]) {
      const refused = await connectTasks(testApp.baseUrl, auth).catch((error: unknown) => error);
      expect(refused).toMatchObject({
        message: 'unauthorized',
        data: { type: 'urn:taskyard:problem:unauthorized', status: 401 },
      });
    }
    const viaHeader = await connectTasks(testApp.baseUrl, { header: `Bearer ${acme}` });
    expect(viaHeader.socket.connected).toBe(true);
    viaHeader.close();
  });

  it('drops a connected client within seconds of its key being revoked', async () => {
    const key = (
      await request(testApp.baseUrl)
        .post('/api/v1/admin/keys')
        .set(ADMIN)
        .send({ tenant: 'acme', name: 'doomed' })
        .expect(201)
    ).body as { id: string; key: string };
    const client = await connect(key.key);
    const dropped = new Promise((resolve) => client.socket.once('disconnect', resolve));
    await request(testApp.baseUrl).delete(`/api/v1/admin/keys/${key.id}`).set(ADMIN).expect(200);
    const started = Date.now();
    await dropped;
    expect(Date.now() - started).toBeLessThan(8000);
  });

  it('sends one task from created to succeeded, in seq order with no gap', async () => {
    const client = await connect(acme);
    const task = await createTask(testApp.baseUrl, acme, { type: 'sleep', options: { ms: 400 } });
    expect(await client.subscribe({ taskId: task.id })).toEqual({ ok: true });
    await ended(client, task.id, testApp.baseUrl, acme);
    const got = client.events.filter((e) => e.taskId === task.id);
    expect(got.map((e) => e.seq)).toEqual(got.map((_, i) => i + 1));
    expect(got[0]?.kind).toBe('created');
    expect(got.at(-1)).toMatchObject({ kind: 'succeeded', data: { result: expect.any(Object) } });
    expect(got.some((e) => e.kind === 'progress')).toBe(true);
    expect(got).toEqual(await taskEvents(testApp.baseUrl, acme, task.id));
  });

  it('replays what a late subscriber missed after afterSeq, then goes on live without repeats', async () => {
    const task = await createTask(testApp.baseUrl, acme, { type: 'sleep', options: { ms: 1500 } });
    await waitFor('some progress', async () =>
      (await taskEvents(testApp.baseUrl, acme, task.id)).some((e) => e.kind === 'progress'),
    );
    const client = await connect(acme);
    expect(await client.subscribe({ taskId: task.id, afterSeq: 2 })).toEqual({ ok: true });
    await ended(client, task.id, testApp.baseUrl, acme);
    const got = seqs(client.events, task.id);
    expect(got[0]).toBe(3);
    expect(got).toEqual(got.map((_, i) => i + 3));
  });

  it('follows a task across a dropped connection with followTask, losing nothing', async () => {
    const task = await createTask(testApp.baseUrl, acme, { type: 'sleep', options: { ms: 1500 } });
    const got: TaskEvent[] = [];
    let dropped = false;
    for await (const event of followTask(testApp.baseUrl, acme, task.id)) {
      got.push(event);
      if (event.kind === 'progress' && !dropped) {
        dropped = true;
        // Close every transport under the namespace, as a network drop would.
        const namespace = Reflect.get(testApp.app.get(TasksGateway), 'namespace') as Namespace;
        expect(namespace.sockets.size).toBeGreaterThan(0);
        for (const socket of namespace.sockets.values()) socket.conn.close();
      }
    }
    expect(dropped).toBe(true);
    expect(got.map((e) => e.seq)).toEqual(got.map((_, i) => i + 1));
    expect(got.at(-1)?.kind).toBe('succeeded');
  });

  it('keeps tenants apart: `all` brings only the own tenant, another tenant id is refused', async () => {
    const watcher = await connect(globex);
    expect(await watcher.subscribe({ all: true })).toMatchObject({ ok: true });
    const own = await connect(acme);
    expect(await own.subscribe({ all: true })).toMatchObject({ ok: true });
    const task = await createTask(testApp.baseUrl, acme, { type: 'echo', payload: 1 });
    await ended(own, task.id, testApp.baseUrl, acme);
    expect(seqs(own.events, task.id).length).toBeGreaterThanOrEqual(2);
    const refused = await watcher.subscribe({ taskId: task.id });
    expect(refused).toMatchObject({ ok: false, error: { status: 404 } });
    const missing = await watcher.subscribe({ taskId: '00000000-0000-4000-8000-000000000000' });
    expect(missing).toMatchObject({
      ok: false,
      error: { status: 404, type: 'urn:taskyard:problem:not-found' },
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(watcher.events.filter((e) => e.taskId === task.id)).toEqual([]);
  });

  it('answers a bad payload with an error ack and keeps the connection', async () => {
    const client = await connect(acme);
    for (const payload of [
      {},
      { taskId: 'nope' },
      { all: false },
      'x',
      { taskId: null, extra: 1 },
    ]) {
      const ack = await client.subscribe(payload);
      expect(ack).toMatchObject({ ok: false, error: { status: 422 } });
    }
    expect(client.socket.connected).toBe(true);
  });

  it('refuses malformed payloads (wrong types, extra fields, huge values) naming the field, and the socket stays usable', async () => {
    const client = await connect(acme);
    const task = await createTask(testApp.baseUrl, acme, { type: 'echo', payload: 1 });
    const malformed: [unknown, string][] = [
      [{ taskId: 42 }, 'taskId'],
      [{ taskId: { $ne: null } }, 'taskId'],
      [{ taskId: 'x'.repeat(100_000) }, 'taskId'],
      [{ taskId: task.id, afterSeq: '3' }, 'afterSeq'],
      [{ taskId: task.id, afterSeq: -1 }, 'afterSeq'],
      [{ taskId: task.id, afterSeq: 1.5 }, 'afterSeq'],
      [{ taskId: task.id, afterSeq: 2 ** 31 }, 'afterSeq'],
      [{ taskId: task.id, afterSeq: 1e300 }, 'afterSeq'],
      [{ taskId: task.id, after: 'x' }, 'after'],
      [{ all: 'yes' }, 'all'],
      [{ all: true, afterSeq: 1 }, 'afterSeq'],
      [{ all: true, after: 'v1.not-a-position' }, 'after'],
      [{ all: true, after: 'x'.repeat(100_000) }, 'after'],
      [{ taskId: task.id, extra: 1 }, 'extra'],
      [{ taskId: task.id, nested: { deep: [1, 2, 3] } }, 'nested'],
    ];
    for (const [payload, field] of malformed) {
      const ack = await client.subscribe(payload);
      expect(ack).toMatchObject({
        ok: false,
        error: {
          type: 'urn:taskyard:problem:validation-failed',
          status: 422,
          errors: expect.arrayContaining([expect.objectContaining({ field })]),
        },
      });
    }
    for (const payload of [[task.id], null, 7, true]) {
      expect(await client.subscribe(payload)).toMatchObject({ ok: false, error: { status: 422 } });
    }
    expect(client.socket.connected).toBe(true);
    expect(await client.subscribe({ taskId: task.id })).toEqual({ ok: true });
    await ended(client, task.id, testApp.baseUrl, acme);
  });

  it('turns a flood of progress calls into a few events a second, all delivered in order', async () => {
    const client = await connect(acme);
    expect(await client.subscribe({ all: true })).toMatchObject({ ok: true });
    const heapBefore = process.memoryUsage().heapUsed;
    const task = await createTask(testApp.baseUrl, acme, {
      type: 'test.flood',
      payload: { calls: 2_000_000, ms: 2000 },
    });
    const done = await waitForTask(testApp.baseUrl, acme, task.id, ['succeeded'], 30_000);
    expect(done.result).toEqual({ calls: 2_000_000 });
    await ended(client, task.id, testApp.baseUrl, acme);
    const log = await taskEvents(testApp.baseUrl, acme, task.id);
    const progress = log.filter((e) => e.kind === 'progress');
    const seconds = (Date.parse(done.finishedAt ?? '') - Date.parse(done.startedAt ?? '')) / 1000;
    // At most one write per 250 ms, however many calls.
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.length).toBeLessThanOrEqual(Math.ceil(seconds * 4) + 2);
    expect(client.events.filter((e) => e.taskId === task.id).map((e) => e.seq)).toEqual(
      log.map((e) => e.seq),
    );
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(100 * 1024 * 1024);
  });

  it('brings the end of one busy task to 200 clients', async () => {
    const task = await createTask(testApp.baseUrl, acme, { type: 'sleep', options: { ms: 1500 } });
    const clients = await Promise.all(Array.from({ length: 200 }, () => connect(acme)));
    const acks = await Promise.all(clients.map((c) => c.subscribe({ taskId: task.id })));
    expect(acks.every((ack) => ack.ok)).toBe(true);
    await waitForTask(testApp.baseUrl, acme, task.id);
    await waitFor('every client to see the end', () =>
      clients.every((c) => c.events.some((e) => e.kind === 'succeeded')),
    );
    for (const client of clients) {
      const got = seqs(client.events, task.id);
      expect(got).toEqual(got.map((_, i) => i + 1));
    }
  });
});
