import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { bearer, createUserKey, TEST_ADMIN_KEY } from '../support/auth.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { listeningPort, spawnService, type ServiceProcess } from '../support/service-process.js';

const LIMIT = 10;

const list = (baseUrl: string, key: string) =>
  request(baseUrl).get('/api/v1/tasks').set(bearer(key));

/** RATE_LIMIT_PER_MINUTE across two real API processes (dist/main.js) on one database. */
describe('the request rate limit across API processes', () => {
  let database: TestDatabase;
  let dataDir: string;
  const services: ServiceProcess[] = [];

  async function startApi(store: 'postgres' | 'memory'): Promise<string> {
    const service = spawnService({
      DATABASE_URL: database.url,
      DATA_DIR: dataDir,
      PORT: '0',
      HOST: '127.0.0.1',
      ROLE: 'api',
      LOG_LEVEL: 'info',
      ADMIN_API_KEY: TEST_ADMIN_KEY,
      RATE_LIMIT_PER_MINUTE: String(LIMIT),
      RATE_LIMIT_STORE: store,
    });
    services.push(service);
    return `http://127.0.0.1:${await listeningPort(service)}`;
  }

  beforeAll(async () => {
    database = await createTestDatabase();
    dataDir = await mkdtemp(path.join(tmpdir(), 'taskyard-rate-limits-'));
  });
  afterEach(async () => {
    await Promise.all(
      services.splice(0).map(async (service) => {
        service.child.kill('SIGTERM');
        await service.exited;
      }),
    );
  });
  afterAll(async () => {
    await database?.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('counts a key against one limit on every process (RATE_LIMIT_STORE=postgres)', async () => {
    const [a, b] = await Promise.all([startApi('postgres'), startApi('postgres')]);
    const key = await createUserKey(a, 'shared');
    const other = await createUserKey(a, 'other');
    const remaining: string[] = [];
    for (let i = 0; i < LIMIT; i++) {
      const response = await list(i % 2 === 0 ? a : b, key).expect(200);
      remaining.push(response.headers['ratelimit-remaining']);
    }
    expect(remaining).toEqual(['9', '8', '7', '6', '5', '4', '3', '2', '1', '0']);
    for (const baseUrl of [a, b]) {
      const refused = await list(baseUrl, key).expect(429);
      expect(refused.body).toMatchObject({ type: 'urn:taskyard:problem:rate-limited' });
      expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    }
    // Another key has its own count.
    await list(b, other).expect(200);
    const rows = await database.query<{ points: number }>(
      `SELECT points FROM rate_limits ORDER BY points DESC`,
    );
    expect(rows[0]?.points).toBeGreaterThanOrEqual(LIMIT);
  });

  it('counts per process with RATE_LIMIT_STORE=memory', async () => {
    const [a, b] = await Promise.all([startApi('memory'), startApi('memory')]);
    const key = await createUserKey(a, 'apart');
    for (let i = 0; i < LIMIT; i++) await list(a, key).expect(200);
    await list(a, key).expect(429);
    const onB = await list(b, key).expect(200);
    expect(onB.headers['ratelimit-remaining']).toBe(String(LIMIT - 1));
  });
});
