import request from 'supertest';
import { startTestApp, type TestApp } from '../support/app.js';
import { ADMIN, bearer, createUserKey } from '../support/auth.js';
import {
  createFileTask,
  createTask,
  importTableOf,
  TASKS_PATH,
  uploadFile,
  waitForTask,
} from '../support/tasks.js';
import { storedAndReferencedBlobs } from '../support/uploads.js';
import { waitFor } from '../support/wait.js';

const CSV = 'id,name\n1,gone\nnot-a-number,bad\n';

/** DELETE /api/v1/admin/tenants/{tenant}: all of a tenant's data goes, another's stays. */
describe("deleting a tenant's data", () => {
  let app: TestApp;
  const http = () => request(app.baseUrl);
  const count = async (sql: string, tenant: string) =>
    (await app.database.query<{ n: number }>(`SELECT (${sql})::int AS n`, [tenant]))[0]?.n;

  beforeAll(async () => {
    app = await startTestApp({ env: { WEBHOOKS_ALLOW_PRIVATE: 'true' } });
  });
  afterAll(() => app?.close());

  it('removes its tasks (running ones cancelled), files, blobs, import tables, keys and settings', async () => {
    const gone = await createUserKey(app.baseUrl, 'gone');
    const stays = await createUserKey(app.baseUrl, 'stays');

    const kept = await createFileTask(app.baseUrl, stays, 'csv.import', {
      content: 'id\n1\n',
      filename: 'stays.csv',
      contentType: 'text/csv',
    });
    await waitForTask(app.baseUrl, stays, kept.id);

    const imported = await createFileTask(app.baseUrl, gone, 'csv.import', {
      content: CSV,
      filename: 'gone.csv',
      contentType: 'text/csv',
    });
    await waitForTask(app.baseUrl, gone, imported.id);
    const running = await createTask(app.baseUrl, gone, { type: 'sleep', options: { ms: 60_000 } });
    await waitForTask(app.baseUrl, gone, running.id, ['running']);
    await http().post('/api/v1/admin/queues/tasks/pause').set(ADMIN).expect(200);
    // Stays queued until after the purge (the purge job runs in the default queue).
    const queued = await createTask(app.baseUrl, gone, { type: 'echo', payload: 1 });
    await uploadFile(app.baseUrl, gone, { content: 'only gone\n', filename: 'g.txt' });
    await http()
      .post('/api/v1/webhooks')
      .set(bearer(gone))
      .send({ url: 'http://127.0.0.1:9/hook', events: ['task.succeeded'] })
      .expect(201);
    await http()
      .put('/api/v1/admin/tenants/gone/limits')
      .set(ADMIN)
      .send({ maxQueuedTasks: 5 })
      .expect(200);

    const jobIds = (
      await app.database.query<{ job_id: string }>(
        'SELECT job_id::text FROM tasks WHERE id IN ($1, $2)',
        [running.id, queued.id],
      )
    ).map((row) => row.job_id);
    const accepted = await http().delete('/api/v1/admin/tenants/gone').set(ADMIN).expect(202);
    expect(accepted.body).toEqual({ tenant: 'gone', jobId: expect.stringMatching(/^\d+$/) });
    expect(accepted.headers.location).toBe(`/api/v1/admin/jobs/${accepted.body.jobId}`);
    const job = await waitFor(
      'the purge job to succeed',
      async () => {
        const { body } = await http().get(accepted.headers.location).set(ADMIN).expect(200);
        if (body.status === 'failed') throw new Error(`the purge failed: ${JSON.stringify(body)}`);
        return body.status === 'succeeded' ? body : undefined;
      },
      30_000,
    );
    // The counts are the last pass's: the first one ran while the sleep task was still stopping.
    expect(job.result).toEqual({
      tasksDeleted: expect.any(Number),
      filesDeleted: expect.any(Number),
    });

    await http().post('/api/v1/admin/queues/tasks/resume').set(ADMIN).expect(200);
    // Keys are cached for 5 s per process (as a revoked key is).
    await waitFor(
      'the deleted key to be refused',
      async () => (await http().get(TASKS_PATH).set(bearer(gone))).status === 401,
      10_000,
    );
    for (const table of ['tasks', 'files', 'api_keys', 'webhook_endpoints', 'tenant_limits']) {
      expect(await count(`SELECT count(*) FROM ${table} WHERE tenant = $1`, 'gone')).toBe(0);
    }
    const tables = await app.database.query<{ table: string | null }>(
      'SELECT to_regclass($1)::text AS table',
      [importTableOf(imported.id)],
    );
    expect(tables[0]?.table).toBeNull();
    // The running task was cancelled and then deleted; the queued one never ran.
    const jobs = await app.database.query<{ status: string }>(
      'SELECT status FROM jobs WHERE id = ANY($1::bigint[])',
      [jobIds],
    );
    expect(jobs.map((j) => j.status).toSorted()).toEqual(['cancelled', 'cancelled']);

    // The other tenant keeps everything, and the blobs left are exactly those rows refer to.
    const stillThere = await http().get(`${TASKS_PATH}/${kept.id}`).set(bearer(stays)).expect(200);
    expect(stillThere.body.status).toBe('succeeded');
    const blobs = await storedAndReferencedBlobs(app.database, app.config.dataDir);
    expect(blobs.stored).toEqual(blobs.referenced);
  });

  it('refuses a malformed tenant name with 422, and needs an admin key', async () => {
    const refused = await http().delete('/api/v1/admin/tenants/Not_Valid!').set(ADMIN).expect(422);
    expect(refused.body.type).toBe('urn:taskyard:problem:validation-failed');
    const user = await createUserKey(app.baseUrl, 'someone');
    await http().delete('/api/v1/admin/tenants/someone').set(bearer(user)).expect(404);
    expect(await count('SELECT count(*) FROM api_keys WHERE tenant = $1', 'someone')).toBe(1);
  });
});
