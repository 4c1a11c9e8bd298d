import { setTimeout as sleep } from 'node:timers/promises';
import { io } from 'socket.io-client';
import type { Namespace } from 'socket.io';
import type { TaskEvent } from '../../src/client/follow-task.js';
import { followTenant } from '../../src/client/follow-tenant.js';
import { TasksGateway } from '../../src/gateway/tasks.gateway.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { createUserKey, TEST_ADMIN_KEY } from '../support/auth.js';
import { insertTasks, logOf, writeEvents } from '../support/event-writer.js';
import { waitFor } from '../support/wait.js';

type StreamEvent = TaskEvent & { position?: string };
type Ack = { ok: boolean; position?: string; error?: unknown };

/**
 * A follower of `subscribe {all: true}` that drops its connection at random moments and comes
 * back with the position of the last event it took, as a client on a bad network would.
 */
function tenantFollower(baseUrl: string, key: string, dropEvery?: number) {
  const got = new Map<string, number[]>();
  let position: string | undefined;
  let received = 0;
  let drops = 0;
  let subscribed = false;
  let refusal: Error | undefined;
  const socket = io(`${baseUrl}/tasks`, {
    auth: { token: key },
    transports: ['websocket'],
    reconnection: false,
  });
  const subscribe = async (): Promise<void> => {
    const ack = (await socket.emitWithAck(
      'subscribe',
      position === undefined ? { all: true } : { all: true, after: position },
    )) as Ack;
    if (!ack.ok) throw new Error(`subscribe refused: ${JSON.stringify(ack.error)}`);
    position ??= ack.position;
    subscribed = true;
  };
  socket.on('task.event', (event: StreamEvent) => {
    const seqs = got.get(event.taskId) ?? [];
    seqs.push(event.seq);
    got.set(event.taskId, seqs);
    position = event.position;
    received++;
    if (dropEvery && Math.random() < 1 / dropEvery) {
      drops++;
      // Gone at once: whatever is still on the way to this connection is lost with it.
      socket.disconnect();
      setTimeout(() => socket.connect(), Math.random() * 20);
    }
  });
  const connected = new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  socket.on('connect', () => {
    // A subscribe cut short by a drop is made again on the next connection.
    connected.then(subscribe).catch((error: Error) => {
      if (error.message !== 'socket has been disconnected') refusal = error;
    });
  });
  // Dropped by the server's side (the test cuts transports): come back.
  socket.on('disconnect', (reason) => {
    if (reason !== 'io client disconnect') setTimeout(() => socket.connect(), Math.random() * 20);
  });
  return {
    got,
    ready: connected.then(() => waitFor('the first ack', () => subscribed)),
    received: () => received,
    drops: () => drops,
    refusal: () => refusal,
    close: () => socket.close(),
  };
}

describe('subscribe {all: true}: every event of the tenant, exactly once, in order', () => {
  let testApp: TestApp;
  let acme: string;
  const close: (() => void)[] = [];

  beforeAll(async () => {
    testApp = await startTestApp();
    acme = await createUserKey(testApp.baseUrl, 'acme');
  });
  afterEach(() => {
    for (const done of close.splice(0)) done();
  });
  afterAll(() => testApp.close());

  /** followTenant, taking every event of acme into `got` until aborted. */
  const helper = (signal: AbortSignal) => {
    const got = new Map<string, number[]>();
    const states: string[] = [];
    const onConnection = (state: string): number => states.push(state);
    let count = 0;
    const done = (async () => {
      for await (const event of followTenant(testApp.baseUrl, acme, { signal, onConnection })) {
        got.set(event.taskId, [...(got.get(event.taskId) ?? []), event.seq]);
        count++;
      }
    })().catch((error: Error) => {
      if (error.message !== 'aborted') throw error;
    });
    return { got, states, count: () => count, done };
  };

  /** Cuts every connection under the namespace, as a network drop would, now and then. */
  const cutConnections = (times: number) => {
    const namespace = Reflect.get(testApp.app.get(TasksGateway), 'namespace') as Namespace;
    let cuts = 0;
    const timer = setInterval(() => {
      if (++cuts > times) return clearInterval(timer);
      for (const socket of namespace.sockets.values()) socket.conn.close();
    }, 700);
    return () => clearInterval(timer);
  };

  const run = async (dropEvery?: number) => {
    const url = testApp.database.url;
    const own = tenantFollower(testApp.baseUrl, acme, dropEvery);
    const admin = tenantFollower(testApp.baseUrl, TEST_ADMIN_KEY, dropEvery);
    const abort = new AbortController();
    const viaHelper = helper(abort.signal);
    close.push(own.close, admin.close, () => abort.abort());
    await Promise.all([own.ready, admin.ready]);
    await waitFor('the helper to subscribe', () => viaHelper.states.includes('subscribed'), 10_000);
    const stopCutting = dropEvery ? cutConnections(5) : () => undefined;

    const [acmeTasks, globexTasks] = await Promise.all([
      insertTasks(url, 'acme', 150),
      insertTasks(url, 'globex', 50),
    ]);
    const all = [...acmeTasks, ...globexTasks];
    await writeEvents(url, all, 20, 8);
    stopCutting();
    const log = await logOf(url, all);
    const total = [...log.values()].reduce((sum, seqs) => sum + seqs.length, 0);
    const acmeTotal = acmeTasks.reduce((sum, id) => sum + (log.get(id)?.length ?? 0), 0);
    await waitFor(
      'both followers to hold as many events as the log',
      () =>
        own.received() >= acmeTotal && admin.received() >= total && viaHelper.count() >= acmeTotal,
      60_000,
    );
    // Anything late (a repeat) would arrive now.
    await sleep(300);
    for (const id of acmeTasks) {
      expect([id, own.got.get(id)]).toEqual([id, log.get(id)]);
      expect([id, viaHelper.got.get(id)]).toEqual([id, log.get(id)]);
    }
    expect(viaHelper.count()).toBe(acmeTotal);
    for (const id of all) expect([id, admin.got.get(id)]).toEqual([id, log.get(id)]);
    for (const id of globexTasks) expect(own.got.get(id)).toBeUndefined();
    expect([own.refusal(), admin.refusal()]).toEqual([undefined, undefined]);
    return { own, admin, viaHelper };
  };

  it('loses and repeats nothing while notifications race the reads', async () => {
    const { own, admin } = await run();
    expect(own.drops() + admin.drops()).toBe(0);
  }, 120_000);

  it('resumes from the position a dropped client sends back, with nothing lost or repeated', async () => {
    const { own, admin, viaHelper } = await run(150);
    expect(own.drops()).toBeGreaterThan(3);
    expect(admin.drops()).toBeGreaterThan(3);
    // The helper was told of each drop and of each subscription after it.
    expect(viaHelper.states.filter((state) => state === 'disconnected').length).toBeGreaterThan(0);
    expect(viaHelper.states.at(-1)).toBe('subscribed');
  }, 120_000);
});
