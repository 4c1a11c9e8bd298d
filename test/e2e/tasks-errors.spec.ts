import { readdir } from 'node:fs/promises';
import path from 'node:path';
import request from 'supertest';
import { startTestApp, type TestApp } from '../support/app.js';
import { bearer, createUserKey } from '../support/auth.js';
import {
  postFileTask,
  PROBLEM_JSON,
  TASKS_PATH,
  type Upload,
  uploadFile,
} from '../support/tasks.js';

const TYPES = ['batch', 'csv.import', 'echo', 'sleep', 'text.analyze'];

interface BadInput {
  name: string;
  send: () => request.Test;
  status: number;
  slug: string;
  /** The field errors[] must name (422). */
  field?: string;
}

describe('tasks API: bad input is refused with a problem and stores nothing', () => {
  let testApp: TestApp;
  let acme: string;
  let globex: string;
  let textFileId: string;
  let globexFileId: string;
  let emptyFileId: string;
  let markdownFileId: string;

  beforeAll(async () => {
    testApp = await startTestApp({ env: { JOBS_POLL_INTERVAL_MS: '100' } });
    acme = await createUserKey(testApp.baseUrl, 'acme');
    globex = await createUserKey(testApp.baseUrl, 'globex');
    textFileId = await uploadFile(testApp.baseUrl, acme, { content: 'a b c\n', filename: 'a.txt' });
    emptyFileId = await uploadFile(testApp.baseUrl, acme, { content: '', filename: 'empty.txt' });
    markdownFileId = await uploadFile(testApp.baseUrl, acme, {
      content: '# Notes\n',
      filename: 'notes.md',
    });
    globexFileId = await uploadFile(testApp.baseUrl, globex, {
      content: 'x,y\n1,2\n',
      filename: 'theirs.csv',
    });
  });
  afterAll(() => testApp.close());

  const post = (body: unknown, key = acme) =>
    request(testApp.baseUrl)
      .post(TASKS_PATH)
      .set(bearer(key))
      .send(body as object);
  const form = (type: string, file: Upload, options?: unknown, raw?: string) =>
    postFileTask(testApp.baseUrl, acme, type, file, options, raw);
  const counts = async () => {
    const [row] = await testApp.database.query<{ tasks: string; files: string; jobs: string }>(
      `SELECT (SELECT count(*) FROM tasks) AS tasks, (SELECT count(*) FROM files) AS files,
              (SELECT count(*) FROM jobs) AS jobs`,
    );
    return row;
  };

  const cases: BadInput[] = [
    {
      name: 'no Authorization header',
      send: () => request(testApp.baseUrl).post(TASKS_PATH).send({ type: 'echo' }),
      status: 401,
      slug: 'unauthorized',
    },
    {
      name: 'a wrong key',
      send: () => post({ type: 'echo' }, 'ty_not-a-real-key'),
      status: 401,
      slug: 'unauthorized',
    },
    {
      name: 'no type',
      send: () => post({ payload: 1 }),
      status: 422,
      slug: 'validation-failed',
      field: 'type',
    },
    {
      name: 'an unknown type',
      send: () => post({ type: 'nope' }),
      status: 422,
      slug: 'validation-failed',
      field: 'type',
    },
    {
      name: 'sleep with ms -1',
      send: () => post({ type: 'sleep', options: { ms: -1 } }),
      status: 422,
      slug: 'validation-failed',
      field: 'options.ms',
    },
    {
      name: 'sleep with ms not an integer',
      send: () => post({ type: 'sleep', options: { ms: 'soon' } }),
      status: 422,
      slug: 'validation-failed',
      field: 'options.ms',
    },
    {
      name: 'an unknown option',
      send: () => post({ type: 'sleep', options: { ms: 10, speed: 2 } }),
      status: 422,
      slug: 'validation-failed',
      field: 'options.speed',
    },
    {
      name: 'options for a type that takes none',
      send: () => post({ type: 'echo', options: { a: 1 } }),
      status: 422,
      slug: 'validation-failed',
      field: 'options',
    },
    {
      name: 'options that are not an object',
      send: () => post({ type: 'sleep', options: [1] }),
      status: 422,
      slug: 'validation-failed',
      field: 'options',
    },
    {
      name: 'an unknown top-level field',
      send: () => post({ type: 'echo', payload: 1, priority: 9 }),
      status: 422,
      slug: 'validation-failed',
      field: 'priority',
    },
    {
      name: 'a body that is not an object',
      send: () => post([{ type: 'echo' }]),
      status: 422,
      slug: 'validation-failed',
    },
    {
      name: 'echo with a fileId',
      send: () => post({ type: 'echo', fileId: textFileId }),
      status: 422,
      slug: 'validation-failed',
      field: 'fileId',
    },
    {
      name: 'csv.import without a file',
      send: () => post({ type: 'csv.import' }),
      status: 422,
      slug: 'validation-failed',
      field: 'fileId',
    },
    {
      name: 'text.analyze with a payload',
      send: () => post({ type: 'text.analyze', fileId: textFileId, payload: { a: 1 } }),
      status: 422,
      slug: 'validation-failed',
      field: 'payload',
    },
    {
      name: 'a fileId of another tenant',
      send: () => post({ type: 'csv.import', fileId: globexFileId }),
      status: 422,
      slug: 'validation-failed',
      field: 'fileId',
    },
    {
      name: 'a fileId that is not a uuid',
      send: () => post({ type: 'text.analyze', fileId: 'nope' }),
      status: 422,
      slug: 'validation-failed',
      field: 'fileId',
    },
    {
      name: 'an empty file by fileId',
      send: () => post({ type: 'text.analyze', fileId: emptyFileId }),
      status: 422,
      slug: 'validation-failed',
      field: 'fileId',
    },
    {
      name: 'csv.import with a two-character delimiter',
      send: () => post({ type: 'csv.import', fileId: textFileId, options: { delimiter: ';;' } }),
      status: 422,
      slug: 'validation-failed',
      field: 'options.delimiter',
    },
    {
      name: 'csv.import with delimiter equal to quote',
      send: () =>
        post({ type: 'csv.import', fileId: textFileId, options: { delimiter: "'", quote: "'" } }),
      status: 422,
      slug: 'validation-failed',
      field: 'options',
    },
    {
      name: 'csv.import with header false and no columns',
      send: () => post({ type: 'csv.import', fileId: textFileId, options: { header: false } }),
      status: 422,
      slug: 'validation-failed',
      field: 'options',
    },
    {
      name: 'csv.import with a column of an unknown type',
      send: () =>
        post({
          type: 'csv.import',
          fileId: textFileId,
          options: { columns: [{ name: 'a', type: 'money' }] },
        }),
      status: 422,
      slug: 'validation-failed',
      field: 'options.columns.0.type',
    },
    {
      name: 'an Idempotency-Key of 201 characters',
      send: () => post({ type: 'echo' }).set('Idempotency-Key', 'k'.repeat(201)),
      status: 422,
      slug: 'validation-failed',
      field: 'Idempotency-Key',
    },
    {
      name: 'a malformed JSON body',
      send: () =>
        request(testApp.baseUrl)
          .post(TASKS_PATH)
          .set(bearer(acme))
          .set('Content-Type', 'application/json')
          .send('{"type": "echo", '),
      status: 400,
      slug: 'malformed-body',
    },
    {
      name: 'a text/plain body',
      send: () =>
        request(testApp.baseUrl)
          .post(TASKS_PATH)
          .set(bearer(acme))
          .set('Content-Type', 'text/plain')
          .send('type=echo'),
      status: 415,
      slug: 'unsupported-media-type',
    },
    {
      name: 'multipart options that are not JSON',
      send: () =>
        form('csv.import', { content: 'a,b\n1,2\n', filename: 'x.csv' }, undefined, '{delimiter:'),
      status: 422,
      slug: 'validation-failed',
      field: 'options',
    },
    {
      name: 'multipart with an unknown option',
      send: () => form('csv.import', { content: 'a,b\n1,2\n', filename: 'x.csv' }, { nope: 1 }),
      status: 422,
      slug: 'validation-failed',
      field: 'options.nope',
    },
    {
      name: 'multipart with an unknown form field',
      send: () =>
        form('csv.import', { content: 'a,b\n1,2\n', filename: 'x.csv' }).field('priority', '1'),
      status: 422,
      slug: 'validation-failed',
      field: 'priority',
    },
    {
      name: 'multipart without a file part',
      send: () =>
        request(testApp.baseUrl)
          .post(TASKS_PATH)
          .set(bearer(acme))
          .field('type', 'csv.import')
          .field('options', '{}'),
      status: 422,
      slug: 'validation-failed',
      field: 'file',
    },
    {
      name: 'multipart with an unknown type',
      send: () => form('nope', { content: 'a\n', filename: 'x.txt' }),
      status: 422,
      slug: 'validation-failed',
      field: 'type',
    },
    {
      name: 'multipart for a payload type',
      send: () => form('echo', { content: 'a\n', filename: 'x.txt' }),
      status: 422,
      slug: 'validation-failed',
      field: 'fileId',
    },
    {
      name: 'an empty file for text.analyze',
      send: () => form('text.analyze', { content: '', filename: 'empty.txt' }),
      status: 422,
      slug: 'validation-failed',
      field: 'file',
    },
    {
      name: 'an image/png file',
      send: () =>
        form('text.analyze', {
          content: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
          filename: 'pic.png',
          contentType: 'image/png',
        }),
      status: 415,
      slug: 'unsupported-media-type',
    },
    {
      name: 'a Markdown file for csv.import',
      send: () => form('csv.import', { content: '# a,b\n', filename: 'notes.md' }),
      status: 415,
      slug: 'unsupported-media-type',
    },
    {
      name: 'a Markdown file by fileId for csv.import',
      send: () => post({ type: 'csv.import', fileId: markdownFileId }),
      status: 415,
      slug: 'unsupported-media-type',
    },
  ];

  it.each(cases.map((c) => [c.name, c] as const))('refuses %s', async (_name, bad) => {
    const before = await counts();
    const response = await bad.send().expect(bad.status).expect('Content-Type', PROBLEM_JSON);
    expect(response.body).toMatchObject({
      type: `urn:taskyard:problem:${bad.slug}`,
      status: bad.status,
      instance: TASKS_PATH,
    });
    expect(typeof response.body.detail).toBe('string');
    if (bad.field) {
      const fields = (response.body.errors as { field: string }[]).map((e) => e.field);
      expect(fields).toContain(bad.field);
    }
    if (bad.status === 401) expect(response.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(await counts()).toEqual(before);
  });

  it('lists the known types when the type is unknown', async () => {
    const response = await post({ type: 'nope' }).expect(422);
    const [error] = response.body.errors as { field: string; messages: string[] }[];
    expect(error.field).toBe('type');
    for (const type of TYPES) expect(error.messages[0]).toContain(type);
  });

  it('names the accepted media types when the file has the wrong one', async () => {
    const response = await form('csv.import', { content: '# a\n', filename: 'notes.md' }).expect(
      415,
    );
    expect(response.body).toMatchObject({ mediaType: 'text/markdown' });
    expect(response.body.accepted).toEqual(expect.arrayContaining(['text/csv']));
  });

  it('answers an id that is not a UUID as an unknown task, on every route of a task', async () => {
    const routes: [method: 'get' | 'post' | 'delete', path: string][] = [
      ['get', ''],
      ['get', '/events'],
      ['get', '/rows'],
      ['get', '/artifacts/result.json'],
      ['post', '/cancel'],
      ['post', '/retry'],
      ['delete', ''],
    ];
    for (const [method, rest] of routes) {
      const http = request(testApp.baseUrl);
      const response = await http[method](`${TASKS_PATH}/not-a-uuid${rest}`)
        .set(bearer(acme))
        .expect(404);
      expect(response.headers['content-type']).toMatch(PROBLEM_JSON);
      expect(response.body).toMatchObject({
        type: 'urn:taskyard:problem:not-found',
        detail: 'There is no task with id not-a-uuid.',
      });
    }
  });

  it('leaves no staged upload or stray blob behind after the refusals', async () => {
    const blobs = path.join(testApp.config.dataDir, 'blobs');
    const entries = await readdir(blobs, { recursive: true, withFileTypes: true });
    const files = entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
    expect(files.filter((f) => f.startsWith(path.join(blobs, 'tmp')))).toEqual([]);
    const [row] = await testApp.database.query<{ n: string }>(
      `SELECT count(DISTINCT sha256) AS n FROM files`,
    );
    // Only the blobs of the files uploaded in beforeAll.
    expect(files).toHaveLength(Number(row?.n));
    expect(Number(row?.n)).toBe(4);
  });
});
