import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { fileURLToPath } from 'node:url';
import { bearer, TEST_ADMIN_KEY } from '../support/auth.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { listeningPort, type ServiceProcess, spawnService } from '../support/service-process.js';
import { TASKS_PATH } from '../support/tasks.js';

/** A distinct secret per request, so a leak names the request it came from. */
const secret = (n: number): string => `s3cr3t-${n}-${'x'.repeat(8)}`;

/** The service with the probe routes, among them one that fails unexpectedly (a 500). */
const PROBE_SERVICE = fileURLToPath(
  new URL('../../dist-test/test/support/probe-child.js', import.meta.url),
);

describe('credentials in a URL never reach a log line', () => {
  let database: TestDatabase;
  let dataDir: string;
  let service: ServiceProcess;
  let baseUrl: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    dataDir = await mkdtemp(path.join(tmpdir(), 'taskyard-log-redaction-'));
    service = spawnService(
      {
        DATABASE_URL: database.url,
        DATA_DIR: dataDir,
        ADMIN_API_KEY: TEST_ADMIN_KEY,
        ROLE: 'api',
        PORT: '0',
        HOST: '127.0.0.1',
        // Every line the service can write.
        LOG_LEVEL: 'trace',
      },
      'main',
      { script: PROBE_SERVICE },
    );
    baseUrl = `http://127.0.0.1:${await listeningPort(service)}`;
  });
  afterAll(async () => {
    service.child.kill('SIGTERM');
    await service.exited;
    await database.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('logs the query with credential-like parameters redacted, on every kind of answer', async () => {
    const admin = bearer(TEST_ADMIN_KEY);
    const requestId = 'log-redaction-1';
    await request(baseUrl)
      .get(`/api/v1/admin/keys?role=user&access_token=${secret(1)}`)
      .set(admin)
      .set('X-Request-Id', requestId)
      .expect(200);
    await request(baseUrl)
      .get(`${TASKS_PATH}?key=${secret(2)}`)
      .expect(401);
    const notFound = await request(baseUrl)
      .get(`/api/v1/nowhere?api_key=${secret(3)}`)
      .set(admin)
      .expect(404);
    await request(baseUrl)
      .post(`${TASKS_PATH}?token=${secret(4)}`)
      .set(admin)
      .send({ type: 'nope' })
      .expect(422);
    await request(baseUrl)
      .get(`${TASKS_PATH}?status=bogus&password=${secret(5)}`)
      .set(admin)
      .expect(422);
    await request(baseUrl)
      .get(`/api/v1/files/00000000-0000-4000-8000-000000000000/content?signature=${secret(6)}`)
      .set(admin)
      .expect(404);
    await request(baseUrl)
      .delete(`/api/v1/files?secret=${secret(7)}`)
      .set(admin)
      .expect(405);
    await request(baseUrl)
      .get(`${TASKS_PATH}/%E0%A4%A?X-Amz-Credential=${secret(8)}`)
      .set(admin);
    await request(baseUrl)
      .post(`/api/v1/files?sig=${secret(9)}`)
      .set(admin)
      .set('Content-Type', 'application/json')
      .send('{"broken": ')
      .expect(400);
    const crashed = await request(baseUrl)
      .get(`/api/v1/probe/crash?refresh_token=${secret(10)}`)
      .expect(500);

    const accessLine = await service.waitForLine(new RegExp(`"reqId":"${requestId}"`));
    expect(JSON.parse(accessLine)).toMatchObject({
      msg: expect.stringMatching(
        /^GET \/api\/v1\/admin\/keys\?role=user&access_token=\[redacted\] 200 /,
      ),
      path: '/api/v1/admin/keys',
      url: '/api/v1/admin/keys?role=user&access_token=[redacted]',
    });
    // The lines are written in order: the last request's line comes after all the others'.
    await service.waitForLine(/GET \/api\/v1\/probe\/crash\?refresh_token=\[redacted\] 500/);
    expect(service.lines.filter((line) => /s3cr3t-\d/.test(line))).toEqual([]);
    const redacted = service.lines.filter((line) => /=\[redacted\]/.test(line));
    expect(redacted).toHaveLength(10);
    // The unexpected error was logged, with its stack, and still without the URL's secret.
    expect(service.lines.some((line) => line.includes('request failed unexpectedly'))).toBe(true);
    // Nor does a problem's detail echo it back (Nest's 404 names the URL it could not route).
    expect(notFound.body.detail).toBe('Cannot GET /api/v1/nowhere?api_key=[redacted]');
    expect(crashed.body.detail).not.toContain('s3cr3t');
  });
});
