import http from 'node:http';
import { io } from 'socket.io-client';
import { ApiKeysRepository } from '../../src/auth/api-keys.repository.js';
import { TEST_ADMIN_KEY } from '../support/auth.js';
import { startTestApp, type TestApp } from '../support/app.js';

const LIMIT = 5;

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Record<string, unknown>;
}

/** GET with a key, sent from `from` (any 127.x address reaches the app on Linux). */
function getFrom(baseUrl: string, from: string, key: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.get(
      `${baseUrl}/api/v1/tasks`,
      { localAddress: from, headers: { Authorization: `Bearer ${key}` }, agent: false },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: JSON.parse(text) }),
        );
      },
    );
    req.on('error', reject);
  });
}

/** A Socket.IO handshake from `from`: 'connected', or the problem of its connect_error. */
function connectFrom(
  baseUrl: string,
  from: string,
  token: string,
): Promise<'connected' | Record<string, unknown>> {
  const socket = io(`${baseUrl}/tasks`, {
    auth: { token },
    transports: ['websocket'],
    reconnection: false,
    localAddress: from,
  } as Parameters<typeof io>[1]);
  return new Promise((resolve) => {
    socket.once('connect', () => {
      socket.close();
      resolve('connected');
    });
    socket.once('connect_error', (error: Error & { data?: Record<string, unknown> }) => {
      socket.close();
      resolve(error.data ?? { message: error.message });
    });
  });
}

const badKey = (i: number) => `ty_not-a-key-${i}-${Math.random().toString(36).slice(2)}`;

describe('failed authentication', () => {
  let t: TestApp;
  let lookups = 0;

  beforeAll(async () => {
    t = await startTestApp({ env: { AUTH_FAILURES_PER_MINUTE: String(LIMIT) } });
    // Counts the database lookups of keys: the real query still runs.
    const repository = t.app.get(ApiKeysRepository);
    const find = repository.findActiveByHash.bind(repository);
    repository.findActiveByHash = (hash) => {
      lookups++;
      return find(hash);
    };
  });
  afterAll(() => t.close());

  it('answers 429 with Retry-After past the limit, and stops asking the database', async () => {
    const before = lookups;
    const answers: Answer[] = [];
    for (let i = 0; i < 20; i++) answers.push(await getFrom(t.baseUrl, '127.0.0.2', badKey(i)));

    expect(answers.slice(0, LIMIT).map((a) => a.status)).toEqual(Array(LIMIT).fill(401));
    for (const answer of answers.slice(LIMIT)) {
      expect(answer.status).toBe(429);
      expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(Number(answer.headers['retry-after'])).toBeGreaterThan(0);
      expect(answer.body).toMatchObject({
        type: 'urn:taskyard:problem:too-many-auth-failures',
        status: 429,
      });
    }
    expect(lookups - before).toBe(LIMIT);
  });

  it('lets no more concurrent guesses reach the database than the limit', async () => {
    const before = lookups;
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) => getFrom(t.baseUrl, '127.0.0.3', badKey(i))),
    );
    expect(answers.filter((a) => a.status === 401)).toHaveLength(LIMIT);
    expect(answers.filter((a) => a.status === 429)).toHaveLength(40 - LIMIT);
    expect(lookups - before).toBe(LIMIT);
  });

  it('looks a repeated unknown key up once', async () => {
    const before = lookups;
    const key = badKey(0);
    for (let i = 0; i < 3; i++) {
      expect((await getFrom(t.baseUrl, '127.0.0.4', key)).status).toBe(401);
    }
    expect(lookups - before).toBe(1);
  });

  it('serves a good key from another address, not from the blocked one', async () => {
    expect((await getFrom(t.baseUrl, '127.0.0.5', TEST_ADMIN_KEY)).status).toBe(200);
    expect((await getFrom(t.baseUrl, '127.0.0.2', TEST_ADMIN_KEY)).status).toBe(429);
  });

  it('counts good keys for nothing', async () => {
    for (let i = 0; i < LIMIT * 3; i++) {
      expect((await getFrom(t.baseUrl, '127.0.0.6', TEST_ADMIN_KEY)).status).toBe(200);
    }
    expect((await getFrom(t.baseUrl, '127.0.0.6', badKey(0))).status).toBe(401);
  });

  it('limits Socket.IO handshakes the same way, with the problem in connect_error', async () => {
    const refusals = [];
    for (let i = 0; i < LIMIT + 2; i++) {
      refusals.push(await connectFrom(t.baseUrl, '127.0.0.7', badKey(i)));
    }
    expect(refusals.slice(0, LIMIT)).toEqual(
      Array(LIMIT).fill(expect.objectContaining({ status: 401 })),
    );
    for (const refusal of refusals.slice(LIMIT)) {
      expect(refusal).toMatchObject({
        type: 'urn:taskyard:problem:too-many-auth-failures',
        status: 429,
        retryAfter: expect.any(Number),
      });
    }
    // HTTP and Socket.IO share one count per address.
    expect((await getFrom(t.baseUrl, '127.0.0.7', badKey(99))).status).toBe(429);
    expect(await connectFrom(t.baseUrl, '127.0.0.8', TEST_ADMIN_KEY)).toBe('connected');
  });
});
