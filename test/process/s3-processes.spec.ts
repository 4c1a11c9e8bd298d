import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { ADMIN, TEST_ADMIN_KEY } from '../support/auth.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { startS3Server, type TestS3Server } from '../support/s3-server.js';
import { listeningPort, spawnService, type ServiceProcess } from '../support/service-process.js';
import { TASKS_PATH } from '../support/tasks.js';
import { filesUnder } from '../support/uploads.js';
import { waitFor } from '../support/wait.js';

/**
 * An API process and a worker process (dist/main.js) with STORAGE=s3 and a DATA_DIR each: the
 * worker reads the API's upload and writes its outputs through the bucket, no disk is shared.
 */
describe('API and worker processes sharing only a bucket', () => {
  let database: TestDatabase;
  let s3: TestS3Server;
  const dataDirs: string[] = [];
  const services: ServiceProcess[] = [];

  async function start(role: 'api' | 'worker'): Promise<string> {
    const dataDir = await mkdtemp(path.join(tmpdir(), `taskyard-s3-${role}-`));
    dataDirs.push(dataDir);
    const service = spawnService({
      ...s3.env,
      DATABASE_URL: database.url,
      DATA_DIR: dataDir,
      PORT: '0',
      HOST: '127.0.0.1',
      ROLE: role,
      LOG_LEVEL: 'info',
      ADMIN_API_KEY: TEST_ADMIN_KEY,
      JOBS_POLL_INTERVAL_MS: '100',
    });
    services.push(service);
    return `http://127.0.0.1:${await listeningPort(service)}`;
  }

  beforeAll(async () => {
    database = await createTestDatabase();
    s3 = await startS3Server();
  });
  afterAll(async () => {
    await Promise.all(
      services.map(async (service) => {
        service.child.kill('SIGTERM');
        await service.exited;
      }),
    );
    await s3?.close();
    await database?.drop();
    for (const dir of dataDirs) await rm(dir, { recursive: true, force: true });
  });

  it('imports a CSV uploaded to the API in the worker, and serves its rejects from the bucket', async () => {
    const api = await start('api');
    await start('worker');
    const csv = 'id,name\n1,Ada\nx,Nobody\n';
    const created = await request(api)
      .post(TASKS_PATH)
      .set(ADMIN)
      .field('type', 'csv.import')
      .field('options', JSON.stringify({ columns: [{ name: 'id', type: 'int', nullable: false }] }))
      .attach('file', Buffer.from(csv), { filename: 'people.csv', contentType: 'text/csv' })
      .expect(202);
    const id = (created.body as { id: string }).id;
    const task = await waitFor(
      'the worker process to import the file',
      async () => {
        const { body } = await request(api).get(`${TASKS_PATH}/${id}`).set(ADMIN).expect(200);
        return ['succeeded', 'failed'].includes(body.status) ? body : undefined;
      },
      30_000,
    );
    expect({ status: task.status, error: task.error }).toEqual({
      status: 'succeeded',
      error: null,
    });
    const rejects = await request(api)
      .get(`${TASKS_PATH}/${id}/artifacts/rejects.csv`)
      .set(ADMIN)
      .expect(200);
    expect(rejects.text).toContain('Nobody');
    expect(await s3.keys()).toHaveLength(2);
    for (const dir of dataDirs) {
      expect((await filesUnder(dir)).filter((name) => name.startsWith('blobs'))).toEqual([]);
    }
  });
});
