import request from 'supertest';
import { startTestApp, type TestApp } from '../support/app.js';
import { adminQuery, createTestDatabase, type TestDatabase } from '../support/database.js';
import { type OpenApiDocument, responseSchema, schemaErrors } from '../support/openapi.js';

async function waitForStatus(
  baseUrl: string,
  path: string,
  status: number,
): Promise<request.Response> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const response = await request(baseUrl).get(path);
    if (response.status === status || Date.now() > deadline) return response;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Cuts the application off from its database: new connections refused, open ones killed. */
async function takeDatabaseDown(name: string): Promise<void> {
  await adminQuery(`ALTER DATABASE ${name} WITH ALLOW_CONNECTIONS false`);
  await adminQuery('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [
    name,
  ]);
}

describe('health checks', () => {
  let database: TestDatabase;
  let testApp: TestApp;

  beforeAll(async () => {
    database = await createTestDatabase();
    // API role: the worker's own readiness check is covered with the queue.
    testApp = await startTestApp({ database, env: { ROLE: 'api' } });
  });
  afterAll(async () => {
    await testApp.close();
    await database.drop();
  });

  it('reports live without touching anything', async () => {
    const response = await request(testApp.baseUrl).get('/health/live').expect(200);
    expect(response.body.status).toBe('ok');
    expect(typeof response.body.uptimeSeconds).toBe('number');
  });

  it('reports ready with the database, storage and heap checks up', async () => {
    const response = await request(testApp.baseUrl).get('/health/ready').expect(200);
    expect(response.body.status).toBe('ok');
    expect(response.body.details).toMatchObject({
      database: { status: 'up' },
      storage: { status: 'up' },
      heap: { status: 'up' },
    });
    expect(response.body.details.storage.freeBytes).toBeGreaterThan(0);
    expect(response.body.error).toEqual({});
  });

  it('sends with 200 and with 503 the one shape the OpenAPI document describes', async () => {
    const document = (await request(testApp.baseUrl).get('/docs-json').expect(200))
      .body as OpenApiDocument;
    const ok = await request(testApp.baseUrl).get('/health/ready').expect(200);
    const starved = await startTestApp({
      database,
      env: { ROLE: 'api', HEALTH_MIN_FREE_DISK_MB: '1000000000' },
    });
    try {
      const failing = await request(starved.baseUrl).get('/health/ready').expect(503);
      expect(Object.keys(failing.body).sort()).toEqual(Object.keys(ok.body).sort());
      expect(Object.keys(ok.body).sort()).toEqual(['details', 'error', 'info', 'status']);
      for (const [status, response] of [
        ['200', ok],
        ['503', failing],
      ] as const) {
        expect(response.headers['content-type']).toMatch(/^application\/json/);
        expect(response.headers['cache-control']).toBe('no-cache, no-store, must-revalidate');
        const schema = responseSchema(document, '/health/ready', 'get', status);
        expect([status, schemaErrors(document, schema, response.body)]).toEqual([status, []]);
      }
      const live = await request(testApp.baseUrl).get('/health/live').expect(200);
      const liveSchema = responseSchema(document, '/health/live', 'get', '200');
      expect(schemaErrors(document, liveSchema, live.body)).toEqual([]);
    } finally {
      await starved.close();
    }
  });

  it('answers 503 naming the database while it is unreachable, and recovers by itself', async () => {
    await takeDatabaseDown(database.name);
    try {
      const down = await waitForStatus(testApp.baseUrl, '/health/ready', 503);
      expect(down.status).toBe(503);
      expect(down.body).toMatchObject({
        status: 'error',
        info: { storage: { status: 'up' }, heap: { status: 'up' } },
        error: { database: { status: 'down' } },
        details: { database: { status: 'down' }, storage: { status: 'up' } },
      });
      expect(Object.keys(down.body.error)).toEqual(['database']);
      await request(testApp.baseUrl).get('/health/live').expect(200);
    } finally {
      await adminQuery(`ALTER DATABASE ${database.name} WITH ALLOW_CONNECTIONS true`);
    }
    const up = await waitForStatus(testApp.baseUrl, '/health/ready', 200);
    expect(up.status).toBe(200);
  });

  it('answers 503 when free disk space is under the floor', async () => {
    const starved = await startTestApp({
      database,
      env: { ROLE: 'api', HEALTH_MIN_FREE_DISK_MB: '1000000000' },
    });
    try {
      const response = await request(starved.baseUrl).get('/health/ready').expect(503);
      expect(response.body.status).toBe('error');
      expect(Object.keys(response.body.error)).toEqual(['storage']);
      expect(response.body.error.storage.message).toMatch(/bytes free, below the floor/);
    } finally {
      await starved.close();
    }
  });

  it('answers 503 when the heap is over its ceiling', async () => {
    const bloated = await startTestApp({
      database,
      env: { ROLE: 'api', HEALTH_MAX_HEAP_MB: '16' },
    });
    try {
      const response = await request(bloated.baseUrl).get('/health/ready').expect(503);
      expect(Object.keys(response.body.error)).toEqual(['heap']);
    } finally {
      await bloated.close();
    }
  });
});
