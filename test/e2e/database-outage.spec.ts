import request from 'supertest';
import { startTestApp, type TestApp } from '../support/app.js';
import { bearer, createUserKey } from '../support/auth.js';
import { adminQuery, createTestDatabase, type TestDatabase } from '../support/database.js';
import { postFileTask, TASKS_PATH } from '../support/tasks.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';
import { blobStore, upload } from '../support/uploads.js';
import { waitFor } from '../support/wait.js';

/** The application reaches its database through `proxy`, so the test can take it away. */
function throughProxy(database: TestDatabase, proxy: TcpProxy): string {
  const url = new URL(database.url);
  url.hostname = '127.0.0.1';
  url.port = String(proxy.port);
  return url.toString();
}

const UNAVAILABLE = {
  status: 503,
  contentType: 'application/problem+json',
  type: 'urn:taskyard:problem:unavailable',
  title: 'Service Unavailable',
  instance: true,
  retryAfter: '5',
};

/** The parts of a 503 problem this file checks. */
function answer(response: request.Response) {
  const body = response.body as { type?: string; title?: string; instance?: string };
  return {
    status: response.status,
    contentType: response.headers['content-type']?.split(';')[0],
    type: body.type,
    title: body.title,
    instance: typeof body.instance === 'string' && body.instance.startsWith('/api/v1/'),
    retryAfter: response.headers['retry-after'],
  };
}

describe('while PostgreSQL cannot be reached, requests answer 503 unavailable with Retry-After', () => {
  let database: TestDatabase;
  let proxy: TcpProxy;
  let testApp: TestApp;
  let acme: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    const direct = new URL(database.url);
    proxy = await startTcpProxy({ host: direct.hostname, port: Number(direct.port || 5432) });
    testApp = await startTestApp({
      database: { ...database, url: throughProxy(database, proxy) },
      // API role: the worker's own reconnecting is the queue's business. A short connect timeout
      // for the pool-timeout case.
      env: { ROLE: 'api', DATABASE_CONNECT_TIMEOUT_MS: '500' },
    });
    acme = await createUserKey(testApp.baseUrl, 'acme');
  });
  // The proxy goes first: then nothing in the app's shutdown can wait on a connection through it
  // (seen once under a full parallel run, where the close outlasted the 60 s hook timeout).
  afterAll(async () => {
    await proxy.close();
    await testApp.close();
    await database.drop();
  }, 120_000);
  afterEach(async () => {
    await proxy.setMode('forward');
    await adminQuery(`ALTER DATABASE ${database.name} WITH ALLOW_CONNECTIONS true`);
    // Back to normal by itself: the pool replaces the connections it lost.
    await waitFor('the API to reach its database again', async () => {
      const response = await request(testApp.baseUrl)
        .post(TASKS_PATH)
        .set(bearer(acme))
        .send({ type: 'echo', payload: 'back' });
      return response.status === 202 || undefined;
    });
  });

  /** What each kind of request answers, and what the upload left in DATA_DIR. */
  const duringOutage = async () => {
    const responses = {
      create: await request(testApp.baseUrl)
        .post(TASKS_PATH)
        .set(bearer(acme))
        .send({ type: 'echo', payload: 1 }),
      list: await request(testApp.baseUrl).get(TASKS_PATH).set(bearer(acme)),
      upload: await upload(testApp.baseUrl, acme, 'a,b\n1,2\n', 'during-outage.csv'),
      createWithFile: await postFileTask(testApp.baseUrl, acme, 'csv.import', {
        content: 'a,b\n1,2\n',
        filename: 'during-outage.csv',
        contentType: 'text/csv',
      }),
    };
    const blobs = blobStore(testApp.config.dataDir);
    return {
      answers: Object.fromEntries(Object.entries(responses).map(([name, r]) => [name, answer(r)])),
      staged: await blobs.staged(),
      blobs: await blobs.blobs(),
    };
  };
  const unavailableEverywhere = {
    answers: {
      create: UNAVAILABLE,
      list: UNAVAILABLE,
      upload: UNAVAILABLE,
      createWithFile: UNAVAILABLE,
    },
    staged: [],
    blobs: [],
  };

  it('answers 503 when connections are refused (ECONNREFUSED)', async () => {
    await proxy.setMode('refuse');
    expect(await duringOutage()).toEqual(unavailableEverywhere);
  });

  it('answers 503 when the pool cannot connect in time', async () => {
    await proxy.setMode('blackhole');
    expect(await duringOutage()).toEqual(unavailableEverywhere);
  });

  it('answers 503 when the server terminates its connections and accepts no new ones', async () => {
    await adminQuery(`ALTER DATABASE ${database.name} WITH ALLOW_CONNECTIONS false`);
    await adminQuery('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [
      database.name,
    ]);
    expect(await duringOutage()).toEqual(unavailableEverywhere);
  });

  it('stored nothing while the database was away', async () => {
    const rows = await database.query<{ payload: unknown }>(
      `SELECT payload FROM tasks ORDER BY created_at`,
    );
    expect(rows.every((row) => row.payload === 'back')).toBe(true);
    const [files] = await database.query<{ n: string }>('SELECT count(*) AS n FROM files');
    expect(Number(files?.n)).toBe(0);
  });
});
