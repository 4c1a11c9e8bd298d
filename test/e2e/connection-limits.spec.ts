import { once } from 'node:events';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import request from 'supertest';
import { ADMIN, TEST_ADMIN_KEY } from '../support/auth.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { connectTasks } from '../support/sockets.js';

const IDLE_MS = 1000;

/** A raw TCP connection to the app, recording what the server sends until it closes. */
async function rawConnection(baseUrl: string) {
  const { hostname, port } = new URL(baseUrl);
  const socket = net.connect(Number(port), hostname);
  await once(socket, 'connect');
  let received = '';
  socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
  socket.on('error', () => undefined);
  const closed = once(socket, 'close').then(() => received);
  return { socket, closed, received: () => received };
}

/** Fails if `promise` has not settled within `ms`: the connection should have been closed by then. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([
    promise,
    sleep(ms, undefined, { ref: false }).then(() => {
      throw new Error(`${what} was not closed within ${ms} ms`);
    }),
  ]);
}

describe('connection limits', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({
      env: {
        HTTP_IDLE_TIMEOUT_MS: String(IDLE_MS),
        HTTP_HEADERS_TIMEOUT_MS: '1500',
        HTTP_REQUEST_TIMEOUT_MS: '60000',
        HTTP_KEEP_ALIVE_TIMEOUT_MS: '500',
      },
    });
  });
  afterAll(() => t.close());

  it('closes a connection that never sends a byte', async () => {
    const connection = await rawConnection(t.baseUrl);
    expect(await within(connection.closed, 10_000, 'a silent connection')).toBe('');
  });

  it('answers 408 and closes a connection whose headers trickle in past the headers timeout', async () => {
    const connection = await rawConnection(t.baseUrl);
    connection.socket.write('GET /health/live HTTP/1.1\r\nHost: x\r\n');
    // One byte every 100 ms: never idle, yet the headers never end.
    const trickle = setInterval(() => connection.socket.write('X'), 100);
    try {
      const received = await within(connection.closed, 10_000, 'a slow-headers connection');
      expect(received).toMatch(/^HTTP\/1\.1 408 /);
    } finally {
      clearInterval(trickle);
    }
  });

  it('closes a connection whose request body stalls', async () => {
    const connection = await rawConnection(t.baseUrl);
    connection.socket.write(
      'POST /api/v1/tasks HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' +
        `Authorization: Bearer ${TEST_ADMIN_KEY}\r\nContent-Length: 1000\r\n\r\n{"type":`,
    );
    expect(await within(connection.closed, 10_000, 'a stalled upload')).toBe('');
  });

  it('lets a long poll wait longer than the idle timeout', async () => {
    await request(t.baseUrl).post('/api/v1/admin/queues/tasks/pause').set(ADMIN).expect(200);
    try {
      const created = await request(t.baseUrl)
        .post('/api/v1/tasks')
        .set(ADMIN)
        .send({ type: 'echo', payload: {} })
        .expect(202);
      const id = (created.body as { id: string }).id;
      const polled = await request(t.baseUrl)
        .get(`/api/v1/tasks/${id}`)
        .set(ADMIN)
        .set('Prefer', 'wait=3')
        .expect(200);
      // Answered at the end of its wait (nothing changed), not cut at the idle timeout.
      expect((polled.body as { status: string }).status).toBe('queued');
    } finally {
      await request(t.baseUrl).post('/api/v1/admin/queues/tasks/resume').set(ADMIN).expect(200);
    }
  });

  it('keeps a Socket.IO connection past the idle timeout', async () => {
    const client = await connectTasks(t.baseUrl, { token: TEST_ADMIN_KEY });
    try {
      await sleep(IDLE_MS * 2.5);
      expect(client.socket.connected).toBe(true);
      expect(await client.subscribe({ all: true })).toMatchObject({ ok: true });
    } finally {
      client.close();
    }
  });
});

describe('connection cap', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ env: { HTTP_MAX_CONNECTIONS: '3' } });
  });
  afterAll(() => t.close());

  it('closes connections beyond HTTP_MAX_CONNECTIONS at once and serves the others', async () => {
    const held = await Promise.all([1, 2, 3].map(() => rawConnection(t.baseUrl)));
    // Each answered a request: the server has accepted all three.
    for (const connection of held) {
      connection.socket.write('GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n');
    }
    for (const connection of held) {
      await within(waitForData(connection), 10_000, 'an answer');
    }
    const extra = await rawConnection(t.baseUrl);
    extra.socket.write('GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(await within(extra.closed, 10_000, 'the connection over the cap')).toBe('');
    for (const connection of held) connection.socket.destroy();
  });
});

async function waitForData(connection: { received(): string }): Promise<void> {
  while (!connection.received().includes('\r\n\r\n')) await sleep(10);
}
