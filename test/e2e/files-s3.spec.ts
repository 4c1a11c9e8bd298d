import { createHash } from 'node:crypto';
import request from 'supertest';
import { startTestApp, type TestApp } from '../support/app.js';
import { bearer, createUserKey } from '../support/auth.js';
import { startS3Server, type TestS3Server } from '../support/s3-server.js';
import { createFileTask, TASKS_PATH, waitForTask } from '../support/tasks.js';
import { abortUploadMidway, filesUnder, upload } from '../support/uploads.js';
import { waitFor } from '../support/wait.js';

const objectOf = (content: string): string =>
  `blobs/${createHash('sha256').update(content).digest('hex')}`;

describe('files in object storage (STORAGE=s3)', () => {
  let s3: TestS3Server;
  let testApp: TestApp;
  let key: string;

  beforeAll(async () => {
    s3 = await startS3Server();
    testApp = await startTestApp({ env: { ...s3.env, JOBS_POLL_INTERVAL_MS: '100' } });
    key = await createUserKey(testApp.baseUrl, 'acme');
  });
  afterAll(async () => {
    await testApp.close();
    await s3.close();
  });

  const http = () => request(testApp.baseUrl);

  it('imports an uploaded CSV and serves its input and rejects from the bucket, none on disk', async () => {
    const csv = 'id,name\n1,Ada Lovelace\nx,Nobody\n';
    const created = await createFileTask(
      testApp.baseUrl,
      key,
      'csv.import',
      { content: csv, filename: 'people.csv' },
      { columns: [{ name: 'id', type: 'int', nullable: false }] },
    );
    const task = await waitForTask(testApp.baseUrl, key, created.id);
    expect({ status: task.status, error: task.error }).toEqual({
      status: 'succeeded',
      error: null,
    });

    const rejects = await http()
      .get(`${TASKS_PATH}/${task.id}/artifacts/rejects.csv`)
      .set(bearer(key))
      .expect(200);
    expect(rejects.text).toContain('Nobody');
    const part = await http()
      .get(`/api/v1/files/${task.inputFileId}/content`)
      .set(bearer(key))
      .set('Range', 'bytes=10-21')
      .expect(206);
    expect(part.text).toBe('Ada Lovelace');

    expect(await s3.keys()).toEqual([objectOf(csv), objectOf(rejects.text)].sort());
    expect(await s3.openUploads()).toEqual([]);
    expect(await filesUnder(testApp.config.dataDir)).toEqual([]);
  });

  it('deletes an object with the last file that refers to it', async () => {
    const content = 'shared,content\n';
    const first = await upload(testApp.baseUrl, key, content).expect(201);
    const second = await upload(testApp.baseUrl, key, content).expect(201);
    await http().delete(`/api/v1/files/${first.body.id}`).set(bearer(key)).expect(204);
    expect(await s3.keys()).toContain(objectOf(content));
    await http().delete(`/api/v1/files/${second.body.id}`).set(bearer(key)).expect(204);
    expect(await s3.keys()).not.toContain(objectOf(content));
  });

  it('aborts the multipart upload of a client gone midway, keeping nothing', async () => {
    const before = await s3.keys();
    await abortUploadMidway({
      url: `${testApp.baseUrl}/api/v1/files`,
      headers: bearer(key),
      filename: 'abandoned.csv',
      declaredBytes: 64 * 1024 * 1024,
      abortAfterBytes: 20 * 1024 * 1024,
      staged: async () => (await s3.openUploads()).length > 0,
    });
    await waitFor('the upload to be aborted', async () => (await s3.openUploads()).length === 0);
    expect(await s3.keys()).toEqual(before);
    const rows = await testApp.database.query("SELECT id FROM files WHERE name = 'abandoned.csv'");
    expect(rows).toEqual([]);
  });

  it('is ready while the bucket answers', async () => {
    const ready = await http().get('/health/ready').expect(200);
    expect(ready.body.details.storage).toMatchObject({ status: 'up' });
    expect(await s3.keys()).not.toContainEqual(expect.stringMatching(/^tmp\//));
  });

  it('is not ready when the bucket is missing', async () => {
    const lost = await startTestApp({
      env: { ...s3.env, S3_BUCKET: 'no-such-bucket' },
      database: testApp.database,
    });
    try {
      const ready = await request(lost.baseUrl).get('/health/ready').expect(503);
      expect(Object.keys(ready.body.error)).toEqual(['storage']);
    } finally {
      await lost.close();
    }
  });
});
