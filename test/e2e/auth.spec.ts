import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import request from 'supertest';
import { startTestApp, type TestApp, type TestAppOptions } from '../support/app.js';
import { ADMIN, bearer, createUserKey, TEST_ADMIN_KEY } from '../support/auth.js';
import { createTestDatabase } from '../support/database.js';
import { waitFor } from '../support/wait.js';

const PROBLEM_JSON = /^application\/problem\+json/;
const UNAUTHORIZED = 'urn:taskyard:problem:unauthorized';
const KEYS_CLI = fileURLToPath(new URL('../../dist/auth/keys-cli.js', import.meta.url));

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the built keys CLI with only the environment a shell user would give it. */
function runKeysCli(databaseUrl: string, args: string[]): Promise<CliRun> {
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    DATABASE_URL: databaseUrl,
    LOG_LEVEL: 'warn',
  };
  return new Promise((resolve) => {
    execFile(process.execPath, [KEYS_CLI, ...args], { env }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

const lastLine = (text: string): string => text.trimEnd().split('\n').at(-1) ?? '';

/** Starts an app of its own for one test and always closes it. */
async function withApp(options: TestAppOptions, use: (app: TestApp) => Promise<void>) {
  const app = await startTestApp(options);
  try {
    await use(app);
  } finally {
    await app.close();
  }
}

async function createKey(baseUrl: string, tenant: string, name: string) {
  const response = await request(baseUrl)
    .post('/api/v1/admin/keys')
    .set(ADMIN)
    .send({ tenant, name })
    .expect(201);
  return response.body as { id: string; key: string; prefix: string; revokedAt: string | null };
}

/** The parts of an answer that every refusal of a key must have. */
function refusal(response: request.Response) {
  return {
    status: response.status,
    contentType: response.headers['content-type'],
    wwwAuthenticate: response.headers['www-authenticate'],
    type: response.body.type as string,
    detail: response.body.detail as string,
  };
}

const refused = (detail: RegExp) => ({
  status: 401,
  contentType: expect.stringMatching(PROBLEM_JSON),
  wwwAuthenticate: 'Bearer realm="taskyard"',
  type: UNAUTHORIZED,
  detail: expect.stringMatching(detail),
});

describe('API keys and request protection', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await startTestApp();
  });
  afterAll(() => testApp.close());

  const http = () => request(testApp.baseUrl);

  it('answers a request without Authorization with a 401 problem and WWW-Authenticate', async () => {
    const response = await http().get('/api/v1/tasks');
    expect(refusal(response)).toEqual(refused(/needs an API key/));
    expect(response.body.instance).toBe('/api/v1/tasks');
  });

  it('answers a malformed Authorization header with 401', async () => {
    for (const header of ['Basic dXNlcjpwYXNz', 'Bearer', 'Bearer two words', TEST_ADMIN_KEY]) {
      const response = await http().get('/api/v1/tasks').set('Authorization', header);
      expect(refusal(response)).toEqual(refused(/must read "Bearer <key>"/));
    }
  });

  it('answers an unknown key with 401', async () => {
    const response = await http()
      .get('/api/v1/tasks')
      .set(bearer(`ty_${'x'.repeat(43)}`));
    expect(refusal(response)).toEqual(refused(/not known or has been revoked/));
  });

  it('refuses a key at once after it is revoked through the admin API', async () => {
    const created = await createKey(testApp.baseUrl, 'revokes', 'soon revoked');
    await http().get('/api/v1/tasks').set(bearer(created.key)).expect(200);

    const revoked = await http().delete(`/api/v1/admin/keys/${created.id}`).set(ADMIN).expect(200);
    expect(revoked.body).toMatchObject({ id: created.id, tenant: 'revokes' });
    expect(Date.parse(revoked.body.revokedAt as string)).not.toBeNaN();

    const after = await http().get('/api/v1/tasks').set(bearer(created.key));
    expect(refusal(after)).toEqual(refused(/not known or has been revoked/));
  });

  it('answers 404 when revoking a key that does not exist', async () => {
    const response = await http()
      .delete('/api/v1/admin/keys/00000000-0000-4000-8000-000000000000')
      .set(ADMIN)
      .expect(404);
    expect(response.body.type).toBe('urn:taskyard:problem:not-found');
  });

  it('lists keys with their prefix but never the key or its hash', async () => {
    const created = await createKey(testApp.baseUrl, 'lister', 'listed');
    expect(created.prefix).toBe(created.key.slice(0, 10));

    const response = await http().get('/api/v1/admin/keys').set(ADMIN).expect(200);
    const listed = (response.body as Record<string, unknown>[]).find((k) => k.id === created.id);
    expect(listed).toMatchObject({ tenant: 'lister', name: 'listed', role: 'user' });
    expect(listed?.prefix).toBe(created.prefix);
    expect(listed).not.toHaveProperty('key');
    expect(response.text).not.toContain(created.key);

    const rows = await testApp.database.query<{ key_hash: Buffer }>(
      'SELECT key_hash FROM api_keys WHERE id = $1',
      [created.id],
    );
    expect(rows[0].key_hash.equals(createHash('sha256').update(created.key).digest())).toBe(true);
  });

  it('answers a user key with 404 on the admin routes', async () => {
    const key = await createUserKey(testApp.baseUrl, 'plain');
    for (const path of ['/api/v1/admin/queues', '/api/v1/admin/keys']) {
      const response = await http().get(path).set(bearer(key)).expect(404);
      expect(response.headers['content-type']).toMatch(PROBLEM_JSON);
      expect(response.body).toMatchObject({ type: 'urn:taskyard:problem:not-found' });
    }
    await http()
      .post('/api/v1/admin/keys')
      .set(bearer(key))
      .send({ tenant: 'plain', name: 'escalate', role: 'admin' })
      .expect(404);
  });

  it('keeps /health/live and /metrics open without a key', async () => {
    await http().get('/health/live').expect(200);
    const metrics = await http().get('/metrics').expect(200);
    expect(metrics.text).toContain('# HELP');
  });

  it('sends the helmet security headers', async () => {
    for (const path of ['/health/live', '/api/v1/tasks']) {
      const response = await http().get(path);
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['x-frame-options']).toBe('SAMEORIGIN');
      expect(response.headers['content-security-policy']).toContain("default-src 'self'");
      expect(response.headers).not.toHaveProperty('x-powered-by');
    }
  });

  it('requires an admin key for /metrics when METRICS_REQUIRE_KEY=true', async () => {
    await withApp({ env: { METRICS_REQUIRE_KEY: 'true' } }, async (app) => {
      expect(refusal(await request(app.baseUrl).get('/metrics'))).toEqual(
        refused(/needs an API key/),
      );
      const userKey = await createUserKey(app.baseUrl, 'scraper');
      const asUser = await request(app.baseUrl).get('/metrics').set(bearer(userKey)).expect(404);
      expect(asUser.body.type).toBe('urn:taskyard:problem:not-found');
      await request(app.baseUrl).get('/metrics').set(ADMIN).expect(200);
      await request(app.baseUrl).get('/health/live').expect(200);
    });
  });

  it('limits each key to RATE_LIMIT_PER_MINUTE requests with a 429 problem', async () => {
    await withApp({ env: { RATE_LIMIT_PER_MINUTE: '3' } }, async (app) => {
      const busy = await createUserKey(app.baseUrl, 'busy');
      const calm = await createUserKey(app.baseUrl, 'calm');
      const get = (key: string) => request(app.baseUrl).get('/api/v1/tasks').set(bearer(key));
      for (const remaining of ['2', '1', '0']) {
        const response = await get(busy).expect(200);
        expect(response.headers['ratelimit-limit']).toBe('3');
        expect(response.headers['ratelimit-remaining']).toBe(remaining);
      }
      const limited = await get(busy).expect(429).expect('Content-Type', PROBLEM_JSON);
      expect(limited.body).toMatchObject({
        type: 'urn:taskyard:problem:rate-limited',
        status: 429,
      });
      expect(limited.headers['retry-after']).toMatch(/^\d+$/);
      expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);

      await get(calm).expect(200);
      await request(app.baseUrl).get('/health/live').expect(200);
    });
  });

  it('answers a CORS preflight for a configured origin only', async () => {
    await withApp({ env: { CORS_ORIGINS: 'https://app.example.com' } }, async (app) => {
      const preflight = (origin: string) =>
        request(app.baseUrl)
          .options('/api/v1/tasks')
          .set('Origin', origin)
          .set('Access-Control-Request-Method', 'POST')
          .set('Access-Control-Request-Headers', 'authorization,content-type');
      const allowed = await preflight('https://app.example.com');
      expect(allowed.status).toBe(204);
      expect(allowed.headers['access-control-allow-origin']).toBe('https://app.example.com');
      expect(allowed.headers['access-control-allow-methods']).toContain('POST');

      const other = await preflight('https://evil.example.com');
      expect(other.headers).not.toHaveProperty('access-control-allow-origin');
    });
  });

  it('sends no CORS headers when CORS_ORIGINS is empty', async () => {
    const response = await http().get('/health/live').set('Origin', 'https://app.example.com');
    expect(response.headers).not.toHaveProperty('access-control-allow-origin');
  });

  it('creates one first admin key on an empty database without ADMIN_API_KEY', async () => {
    const database = await createTestDatabase();
    const adminRows = () =>
      database.query<{ tenant: string; name: string; role: string }>(
        'SELECT tenant, name, role FROM api_keys',
      );
    try {
      await withApp({ database, env: { ADMIN_API_KEY: '' } }, async (app) => {
        await request(app.baseUrl).get('/api/v1/tasks').set(ADMIN).expect(401);
      });
      expect(await adminRows()).toEqual([
        { tenant: 'admin', name: 'first admin key', role: 'admin' },
      ]);
      await withApp({ database, env: { ADMIN_API_KEY: '' } }, () => Promise.resolve());
      expect(await adminRows()).toHaveLength(1);
    } finally {
      await database.drop();
    }
  });

  it('creates, lists and revokes keys with the keys CLI', async () => {
    const url = testApp.database.url;
    const created = await runKeysCli(url, ['create', '--tenant', 'acme', '--name', 'ci']);
    expect(created).toMatchObject({ code: 0 });
    const key = lastLine(created.stdout);
    expect(key).toMatch(/^ty_[A-Za-z0-9_-]{43}$/);
    const id = /key ([0-9a-f-]{36}) for tenant acme/.exec(created.stdout)?.[1];
    expect(id).toBeDefined();

    const tasks = await http().get('/api/v1/tasks').set(bearer(key)).expect(200);
    expect(tasks.body.items).toEqual([]);

    const listed = await runKeysCli(url, ['list', '--tenant', 'acme']);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(
      new RegExp(`^${id}\\s+${key.slice(0, 10)}…\\s+acme\\s+ci\\s+user\\s+\\S+\\s+\\S+\\s+-$`, 'm'),
    );
    expect(listed.stdout).not.toContain(key);

    const revoked = await runKeysCli(url, ['revoke', id!]);
    expect(revoked).toMatchObject({ code: 0, stdout: expect.stringContaining(`revoked ${id}`) });
    await waitFor(
      'the revoked CLI key to be refused',
      async () => (await http().get('/api/v1/tasks').set(bearer(key))).status === 401,
      5_000,
    );
    expect((await runKeysCli(url, ['list', '--tenant', 'acme'])).stdout).toMatch(
      new RegExp(`^${id}\\s.*\\sci\\s+user\\s+\\S+\\s+\\S+\\s+\\d{4}-\\d\\d-\\d\\dT\\S+$`, 'm'),
    );
  });
});
