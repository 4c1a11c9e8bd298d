import request from 'supertest';
import type { WorkerProcess } from '../../src/client/index.js';
import { RetentionHandler } from '../../src/worker/retention.handler.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { ADMIN, bearer, createUserKey } from '../support/auth.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { type OpenApiDocument, responseSchema, schemaErrors } from '../support/openapi.js';

const ROUTE = '/api/v1/admin/workers';

/** Rows as other processes leave them: one that stopped cleanly, one gone silent, one long gone. */
const OTHERS = `
INSERT INTO worker_processes
  (id, role, host, pid, version, started_at, concurrency, types, queues, last_seen_at, gone_at)
VALUES
  ('other:1:aaaaaa', 'worker', 'other', 1, '0.0.1', now() - interval '3 hours', 2, '{a}', '{}',
   now() - interval '2 hours', now() - interval '2 hours'),
  ('other:2:bbbbbb', 'worker', 'other', 2, '0.0.1', now() - interval '2 hours', 2, '{a}', '{mail}',
   now() - interval '1 hour', NULL),
  ('other:3:cccccc', 'all', 'other', 3, '0.0.1', now() - interval '300 hours', 2, '{a}', '{}',
   now() - interval '200 hours', NULL)`;

/** The app in this process runs the worker (ROLE=all): it registers itself beside the rows above. */
describe('GET /api/v1/admin/workers', () => {
  let database: TestDatabase;
  let app: TestApp;
  let userKey: string;

  const list = async (query: Record<string, string> = {}): Promise<WorkerProcess[]> =>
    (await request(app.baseUrl).get(ROUTE).query(query).set(ADMIN).expect(200))
      .body as WorkerProcess[];

  beforeAll(async () => {
    database = await createTestDatabase();
    app = await startTestApp({ database });
    userKey = await createUserKey(app.baseUrl, 'acme');
    await database.query(OTHERS);
  });
  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  it('lists this process alive with its types and concurrency, newest first, and the others gone', async () => {
    const all = await list();
    expect(all.map((w) => [w.id.startsWith('other:') ? w.id : 'self', w.status])).toEqual([
      ['self', 'alive'],
      ['other:2:bbbbbb', 'gone'],
      ['other:1:aaaaaa', 'gone'],
      ['other:3:cccccc', 'gone'],
    ]);
    expect(all[0]).toMatchObject({
      role: 'all',
      pid: process.pid,
      concurrency: app.config.worker.concurrency,
      types: expect.arrayContaining(['task:echo', 'task:csv.import']),
      goneAt: null,
    });
    // Gone silent: reported gone when WORKERS_GONE_AFTER_MS (60 s by default) had passed.
    const silent = all[1];
    expect(Date.parse(silent?.goneAt ?? '')).toBe(Date.parse(silent?.lastSeenAt ?? '') + 60_000);
  });

  it('answers as the OpenAPI document says, for alive and gone processes and for its problems', async () => {
    const document = (await request(app.baseUrl).get('/docs-json').expect(200))
      .body as OpenApiDocument;
    const documented = (status: number, body: unknown, mediaType?: string): string[] =>
      schemaErrors(
        document,
        responseSchema(document, ROUTE, 'get', String(status), mediaType),
        body,
      );
    expect(documented(200, await list())).toEqual([]);
    const bad = await request(app.baseUrl).get(ROUTE).query({ status: 'dead' }).set(ADMIN);
    expect(documented(bad.status, bad.body, 'application/problem+json')).toEqual([]);
  });

  it('filters by status', async () => {
    expect((await list({ status: 'alive' })).map((w) => w.pid)).toEqual([process.pid]);
    expect((await list({ status: 'gone' })).map((w) => w.id)).toEqual([
      'other:2:bbbbbb',
      'other:1:aaaaaa',
      'other:3:cccccc',
    ]);
  });

  it('answers 422 for an unknown status, 401 without a key and 404 to a user key', async () => {
    const bad = await request(app.baseUrl).get(ROUTE).query({ status: 'dead' }).set(ADMIN);
    expect(bad.status).toBe(422);
    expect(bad.type).toBe('application/problem+json');
    expect(bad.body.errors).toEqual([{ field: 'status', messages: [expect.any(String)] }]);
    expect((await request(app.baseUrl).get(ROUTE)).status).toBe(401);
    // As every admin route: a user key learns nothing of what it cannot reach.
    const user = await request(app.baseUrl).get(ROUTE).set(bearer(userKey));
    expect(user.status).toBe(404);
    expect(user.type).toBe('application/problem+json');
  });

  it('loses the rows of processes not heard from within the retention period to the retention job', async () => {
    const result = await app.app.get(RetentionHandler).prune();
    expect(result.workerProcessesDeleted).toBe(1);
    expect((await list()).map((w) => w.id)).not.toContain('other:3:cccccc');
    expect(await list()).toHaveLength(3);
  });

  it('marks a process gone when it closes', async () => {
    const second = await startTestApp({ database });
    const before = new Set((await list({ status: 'alive' })).map((w) => w.id));
    expect(before.size).toBe(2);
    await second.close();
    const alive = await list({ status: 'alive' });
    expect(alive).toHaveLength(1);
    const [closed] = [...before].filter((id) => !alive.some((w) => w.id === id));
    const rows = await database.query<{ gone_at: Date | null }>(
      'SELECT gone_at FROM worker_processes WHERE id = $1',
      [closed],
    );
    expect(rows[0]?.gone_at).toBeInstanceOf(Date);
  });
});
