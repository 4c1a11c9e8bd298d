import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import request from 'supertest';
import { startTestApp, type TestApp } from '../support/app.js';
import { ADMIN, bearer, createUserKey } from '../support/auth.js';
import { listeningPort, spawnService } from '../support/service-process.js';
import {
  abortUploadMidway,
  blobStore,
  filesUnder,
  multipartBody,
  sendRaw,
  upload,
} from '../support/uploads.js';
import { waitFor } from '../support/wait.js';

const PROBLEM_JSON = /^application\/problem\+json/;
const problem = (slug: string) => `urn:taskyard:problem:${slug}`;
const sha256 = (bytes: string | Buffer) => createHash('sha256').update(bytes).digest('hex');

/** The API as a process of its own, on the database and DATA_DIR of `app`. */
async function startApiProcess(app: TestApp) {
  const where = { DATABASE_URL: app.database.url, DATA_DIR: app.config.dataDir };
  const service = spawnService({ ...where, ROLE: 'api', PORT: '0', HOST: '127.0.0.1' });
  const stop = async () => {
    service.child.kill('SIGTERM');
    await service.exited;
  };
  const port = await listeningPort(service).catch(async (error: unknown) => {
    await stop();
    throw error;
  });
  /** What the process wrote that is not a JSON log line: a crash's stack. */
  const stderr = () => service.lines.filter((line) => !line.startsWith('{')).join('\n');
  return { baseUrl: `http://127.0.0.1:${port}`, stderr, stop };
}

describe('Files', () => {
  let testApp: TestApp;
  let keyA: string;
  let keyB: string;

  beforeAll(async () => {
    testApp = await startTestApp();
    keyA = await createUserKey(testApp.baseUrl, 'a');
    keyB = await createUserKey(testApp.baseUrl, 'b');
  });
  afterAll(() => testApp.close());

  const http = () => request(testApp.baseUrl);
  const store = () => blobStore(testApp.config.dataDir);
  const download = (id: string, key: string) =>
    http().get(`/api/v1/files/${id}/content`).set(bearer(key));
  const fileRows = (sha: string) =>
    testApp.database.query<{ tenant: string; name: string }>(
      'SELECT tenant, name FROM files WHERE sha256 = $1 ORDER BY created_at',
      [sha],
    );

  /**
   * Uploads `content` as tenant a and answers the file view. Only the first test pins the status
   * code, so that a wrong one fails once rather than in every test.
   */
  async function stored(content: string) {
    const response = await upload(testApp.baseUrl, keyA, content);
    expect(response.status).toBeLessThan(300);
    expect(response.body.sha256).toBe(sha256(content));
    return response.body as { id: string; sha256: string; size: number; name: string };
  }

  it('stores an upload under its sha256 and answers its view', async () => {
    const content = 'id,name\n1,alice\n2,bob\n';
    const response = await upload(testApp.baseUrl, keyA, content).expect(201);
    expect(response.headers.location).toBe(`/api/v1/files/${response.body.id}`);
    expect(response.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      name: 'data.csv',
      mediaType: 'text/csv',
      size: Buffer.byteLength(content),
      sha256: sha256(content),
      createdAt: expect.any(String),
    });
    expect(await readFile(store().pathOf(sha256(content)), 'utf8')).toBe(content);
    expect(await fileRows(sha256(content))).toEqual([{ tenant: 'a', name: 'data.csv' }]);
    expect(await store().staged()).toEqual([]);
  });

  it('keeps one blob for the same content uploaded twice', async () => {
    const content = 'same,bytes\n1,2\n';
    const before = await store().blobs();
    const first = await stored(content);
    const second = await stored(content);
    expect(second.id).not.toBe(first.id);
    expect(second.sha256).toBe(first.sha256);
    const after = await store().blobs();
    expect(after.filter((f) => !before.includes(f))).toEqual([
      `${first.sha256.slice(0, 2)}/${first.sha256}`,
    ]);
    expect(await fileRows(first.sha256)).toHaveLength(2);
  });

  it('serves the content with type, length, ETag and disposition', async () => {
    const file = await stored('a,b\n3,4\n');
    const response = await download(file.id, keyA).expect(200);
    expect(response.text).toBe('a,b\n3,4\n');
    expect(response.headers).toMatchObject({
      'content-type': 'text/csv',
      'content-length': String(file.size),
      etag: `"${file.sha256}"`,
      'accept-ranges': 'bytes',
      'content-disposition': expect.stringMatching(/^attachment; filename="?data\.csv"?$/),
    });
  });

  it('answers 304 to If-None-Match with the ETag', async () => {
    const file = await stored('etag,test\n');
    const notModified = await download(file.id, keyA)
      .set('If-None-Match', `"${file.sha256}"`)
      .expect(304);
    expect(notModified.text).toBe('');
    await download(file.id, keyA).set('If-None-Match', '"something-else"').expect(200);
  });

  it('serves a byte range with 206 and Content-Range', async () => {
    const file = await stored('0123456789,abc\n');
    const response = await download(file.id, keyA).set('Range', 'bytes=2-5').expect(206);
    expect(response.text).toBe('2345');
    expect(response.headers['content-range']).toBe(`bytes 2-5/${file.size}`);
    expect(response.headers['content-length']).toBe('4');
  });

  it('answers a range beyond the end with a 416 problem', async () => {
    const file = await stored('short,file\n');
    const response = await download(file.id, keyA)
      .set('Range', `bytes=${file.size + 10}-${file.size + 20}`)
      .expect(416)
      .expect('Content-Type', PROBLEM_JSON);
    expect(response.body.type).toBe(problem('range-not-satisfiable'));
    expect(response.headers['content-range']).toBe(`bytes */${file.size}`);
  });

  it('removes the blob with the last file row that refers to it', async () => {
    const content = 'delete,me\n1,2\n';
    const first = await stored(content);
    const second = await stored(content);
    const blob = store().pathOf(first.sha256);

    await http().delete(`/api/v1/files/${first.id}`).set(bearer(keyA)).expect(204);
    await http().get(`/api/v1/files/${first.id}`).set(bearer(keyA)).expect(404);
    expect(await readFile(blob, 'utf8')).toBe(content);

    await http().delete(`/api/v1/files/${second.id}`).set(bearer(keyA)).expect(204);
    await expect(readFile(blob)).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await fileRows(first.sha256)).toEqual([]);
    expect(await store().staged()).toEqual([]);
  });

  it('types an application/octet-stream part by its file extension', async () => {
    const octets = 'application/octet-stream';
    const response = await upload(testApp.baseUrl, keyA, '# Title\n', 'notes.md', octets);
    expect(response.status).toBeLessThan(300);
    expect(response.body).toMatchObject({ name: 'notes.md', mediaType: 'text/markdown' });
  });

  it('refuses an image with a 415 problem and stores nothing', async () => {
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
    const before = await store().blobs();
    const response = await upload(testApp.baseUrl, keyA, png, 'pic.png', 'image/png')
      .expect(415)
      .expect('Content-Type', PROBLEM_JSON);
    expect(response.body).toMatchObject({
      type: problem('unsupported-media-type'),
      mediaType: 'image/png',
    });
    expect(await store().blobs()).toEqual(before);
    expect(await store().staged()).toEqual([]);
    expect(await fileRows(sha256(png))).toEqual([]);
  });

  it('answers a JSON body with 415', async () => {
    const response = await sendRaw(
      testApp.baseUrl,
      keyA,
      'application/json',
      '{"file":"x"}',
    ).expect(415);
    expect(response.body.type).toBe(problem('unsupported-media-type'));
  });

  it('answers a multipart body without a usable boundary with a 400 problem', async () => {
    const bodies: [string, string][] = [
      ['multipart/form-data', 'no boundary parameter'],
      ['multipart/form-data; boundary=XYZ', 'a body in which the boundary never appears'],
    ];
    for (const [contentType, body] of bodies) {
      const response = await sendRaw(testApp.baseUrl, keyA, contentType, body).expect(400);
      expect(response.headers['content-type']).toMatch(PROBLEM_JSON);
      expect(response.body.type).toBe(problem('malformed-multipart'));
    }
  });

  it('keeps serving after a multipart body cut off inside the file part', async () => {
    // A process of its own: if the service crashes, this test fails rather than the whole file.
    const api = await startApiProcess(testApp);
    try {
      const cutOff =
        '--XYZ\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\na,b';
      const response = await sendRaw(
        api.baseUrl,
        keyA,
        'multipart/form-data; boundary=XYZ',
        cutOff,
      ).catch((error: Error) => {
        throw new Error(`${error.message}; the service wrote:\n${api.stderr()}`);
      });
      expect(response.status).toBe(400);
      expect(response.body.type).toBe(problem('malformed-multipart'));
      await request(api.baseUrl).get('/health/live').expect(200);
      expect(await store().staged()).toEqual([]);
    } finally {
      await api.stop();
    }
  });

  it('answers a form without a file part with a 422 problem', async () => {
    const response = await http()
      .post('/api/v1/files')
      .set(bearer(keyA))
      .field('note', 'no file here')
      .expect(422);
    expect(response.body).toMatchObject({
      type: problem('validation-failed'),
      errors: [{ field: 'file', messages: expect.any(Array) }],
    });
  });

  it('keeps only the base of a client file name and writes only inside DATA_DIR', async () => {
    const names: [string, string][] = [
      ['../../etc/passwd', 'passwd'],
      ['..\\..\\windows\\evil.txt', 'evil.txt'],
    ];
    for (const [raw, kept] of names) {
      const content = `path traversal ${kept}\n`;
      const form = multipartBody([
        { name: 'file', filename: raw, contentType: 'text/plain', content },
      ]);
      const response = await sendRaw(testApp.baseUrl, keyA, form.contentType, form.body);
      expect(response.status).toBeLessThan(300);
      expect(response.body).toMatchObject({ name: kept, sha256: sha256(content) });
      expect(await readFile(store().pathOf(sha256(content)), 'utf8')).toBe(content);
    }
    const written = await filesUnder(testApp.config.dataDir);
    const blobs = (await store().blobs()).map((name) => path.join('blobs', name));
    expect(written.filter((name) => !blobs.includes(name))).toEqual([]);
    await expect(
      readFile(path.join(testApp.config.dataDir, '..', 'etc', 'passwd')),
    ).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('removes the staged bytes of an upload the client abandons', async () => {
    const before = await store().blobs();
    const { written } = await abortUploadMidway({
      url: `${testApp.baseUrl}/api/v1/files`,
      headers: bearer(keyA),
      filename: 'abandoned.csv',
      declaredBytes: 4 * 1024 * 1024,
      abortAfterBytes: 1024 * 1024,
      staged: async () => (await store().staged()).length > 0,
    });
    expect(written).toBeGreaterThanOrEqual(1024 * 1024);
    await waitFor('blobs/tmp to be empty', async () => (await store().staged()).length === 0);
    expect(await store().blobs()).toEqual(before);
    const rows = await testApp.database.query("SELECT id FROM files WHERE name = 'abandoned.csv'");
    expect(rows).toEqual([]);
    await http().get('/health/live').expect(200);
  });

  it("answers 404 for another tenant's file and lets an admin see it", async () => {
    const file = await stored('tenant,a\n');
    const asB = [
      http().get(`/api/v1/files/${file.id}`),
      http().get(`/api/v1/files/${file.id}/content`),
      http().delete(`/api/v1/files/${file.id}`),
    ];
    for (const attempt of asB) {
      const response = await attempt.set(bearer(keyB)).expect(404);
      expect(response.body.type).toBe(problem('not-found'));
    }
    await http().get('/api/v1/files/not-a-uuid').set(bearer(keyA)).expect(404);
    const asAdmin = await http().get(`/api/v1/files/${file.id}`).set(ADMIN).expect(200);
    expect(asAdmin.body).toMatchObject({ id: file.id, sha256: file.sha256 });
    await http().get(`/api/v1/files/${file.id}/content`).set(ADMIN).expect(200, 'tenant,a\n');
    expect(await fileRows(file.sha256)).toEqual([{ tenant: 'a', name: 'data.csv' }]);
  });

  it('answers 409 when deleting the input file of a task', async () => {
    const file = await stored('id,name\n1,input\n');
    await http()
      .post('/api/v1/tasks')
      .set(bearer(keyA))
      .send({ type: 'csv.import', fileId: file.id })
      .expect(202);
    const response = await http().delete(`/api/v1/files/${file.id}`).set(bearer(keyA)).expect(409);
    expect(response.body.type).toBe(problem('conflict'));
    await http().get(`/api/v1/files/${file.id}`).set(bearer(keyA)).expect(200);
    expect(await readFile(store().pathOf(file.sha256), 'utf8')).toBe('id,name\n1,input\n');
  });

  it('enforces MAX_UPLOAD_BYTES with a 413 problem and leaves nothing behind', async () => {
    const max = 1024 * 1024;
    const app = await startTestApp({ env: { MAX_UPLOAD_BYTES: String(max) } });
    try {
      const key = await createUserKey(app.baseUrl, 'a');
      const limited = blobStore(app.config.dataDir);
      // 3 MiB is refused by its Content-Length, max + 1 once the stream passes the limit.
      for (const size of [3 * max, max + 1]) {
        const response = await upload(app.baseUrl, key, Buffer.alloc(size, 'x')).expect(413);
        expect(response.headers['content-type']).toMatch(PROBLEM_JSON);
        expect(response.body).toMatchObject({ type: problem('payload-too-large'), maxBytes: max });
        expect(await limited.staged()).toEqual([]);
        expect(await limited.blobs()).toEqual([]);
      }
      const exact = await upload(app.baseUrl, key, Buffer.alloc(max, 'y'));
      expect(exact.status).toBeLessThan(300);
      expect(exact.body.size).toBe(max);
      expect(await limited.blobs()).toHaveLength(1);
    } finally {
      await app.close();
    }
  });
});
