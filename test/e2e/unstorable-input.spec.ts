import request from 'supertest';
import { startTestApp, type TestApp } from '../support/app.js';
import { ADMIN, bearer, createUserKey } from '../support/auth.js';
import {
  createFileTask,
  postFileTask,
  PROBLEM_JSON,
  TASKS_PATH,
  waitForTask,
} from '../support/tasks.js';
import { blobStore } from '../support/uploads.js';

/** `[[[…1…]]]` nested `depth` arrays deep, as JSON text. */
const nested = (depth: number): string => '['.repeat(depth) + '1' + ']'.repeat(depth);

interface BadInput {
  name: string;
  send: () => request.Test;
  /** The field errors[] must name. */
  field: string;
  message?: RegExp;
}

describe('input PostgreSQL cannot store, and unknown option keys, are refused with 422', () => {
  let testApp: TestApp;
  let acme: string;
  let taskId: string;

  beforeAll(async () => {
    testApp = await startTestApp({ env: { JOBS_POLL_INTERVAL_MS: '100' } });
    acme = await createUserKey(testApp.baseUrl, 'acme');
    taskId = (
      await request(testApp.baseUrl)
        .post(TASKS_PATH)
        .set(bearer(acme))
        .send({ type: 'echo', payload: 1 })
        .expect(202)
    ).body.id as string;
  });
  afterAll(() => testApp.close());

  /** A JSON body sent byte for byte: `\ud800` and `__proto__` survive only as text. */
  const postJson = (json: string, path = TASKS_PATH, auth = bearer(acme)) =>
    request(testApp.baseUrl)
      .post(path)
      .set(auth)
      .set('Content-Type', 'application/json')
      .send(json);
  const csvForm = (rawOptions: string) =>
    postFileTask(
      testApp.baseUrl,
      acme,
      'csv.import',
      { content: 'a,b\n1,2\n', filename: 'x.csv', contentType: 'text/csv' },
      undefined,
      rawOptions,
    );
  const stored = async () => {
    const [row] = await testApp.database.query<Record<string, string>>(
      `SELECT (SELECT count(*) FROM tasks) AS tasks, (SELECT count(*) FROM files) AS files,
              (SELECT count(*) FROM jobs) AS jobs, (SELECT count(*) FROM api_keys) AS keys`,
    );
    const blobs = blobStore(testApp.config.dataDir);
    return { ...row, blobs: await blobs.blobs(), staged: await blobs.staged() };
  };

  const cases: BadInput[] = [
    {
      name: 'NUL in a payload string',
      send: () => postJson('{"type":"echo","payload":{"rows":[{"name":"a\\u0000b"}]}}'),
      field: 'payload.rows.0.name',
      message: /U\+0000/,
    },
    {
      name: 'NUL in a payload key',
      send: () => postJson('{"type":"echo","payload":{"a\\u0000b":1}}'),
      field: 'payload.a\\u0000b',
      message: /U\+0000/,
    },
    {
      name: 'a lone surrogate in a payload string',
      send: () => postJson('{"type":"echo","payload":{"s":"\\ud800"}}'),
      field: 'payload.s',
      message: /surrogate/,
    },
    {
      name: 'a lone low surrogate in a payload key',
      send: () => postJson('{"type":"echo","payload":{"\\udc00":1}}'),
      field: 'payload.\ufffd',
      message: /surrogate/,
    },
    {
      name: 'a payload nested 10,000 deep',
      send: () => postJson(`{"type":"echo","payload":${nested(10_000)}}`),
      field: `payload${'.0'.repeat(63)}`,
      message: /64 levels/,
    },
    {
      name: 'NUL in an option of sleep',
      send: () => postJson('{"type":"sleep","options":{"ms":1,"n\\u0000":1}}'),
      field: 'options.n\\u0000',
    },
    {
      name: 'NUL in a multipart options field',
      send: () => csvForm('{"delimiter":"\\u0000"}'),
      field: 'options.delimiter',
      message: /U\+0000/,
    },
    {
      name: 'a lone surrogate in a multipart option',
      send: () => csvForm('{"columns":[{"name":"\\ud83d"}]}'),
      field: 'options.columns.0.name',
    },
    {
      name: 'multipart options nested 10,000 deep',
      send: () => csvForm(`{"columns":${nested(10_000)}}`),
      field: `options.columns${'.0'.repeat(63)}`,
    },
    {
      name: '__proto__ in sleep options',
      send: () => postJson('{"type":"sleep","options":{"ms":1,"__proto__":{"x":1}}}'),
      field: 'options.__proto__',
      message: /should not exist/,
    },
    {
      name: 'constructor in sleep options',
      send: () => postJson('{"type":"sleep","options":{"ms":1,"constructor":1}}'),
      field: 'options.constructor',
    },
    {
      name: 'prototype in sleep options',
      send: () => postJson('{"type":"sleep","options":{"ms":1,"prototype":{}}}'),
      field: 'options.prototype',
    },
    {
      name: '__proto__ in a csv column (multipart)',
      send: () => csvForm('{"columns":[{"name":"a","__proto__":{"type":"int"}}]}'),
      field: 'options.columns.0.__proto__',
    },
    {
      name: 'an unknown key in a csv column (multipart)',
      send: () => csvForm('{"columns":[{"name":"a","width":3}]}'),
      field: 'options.columns.0.width',
    },
    {
      name: '__proto__ at the top of the body',
      send: () => postJson('{"type":"echo","__proto__":{"type":"sleep"}}'),
      field: '__proto__',
    },
    {
      name: 'NUL in the name of a new API key',
      send: () => postJson('{"tenant":"acme","name":"ci\\u0000"}', '/api/v1/admin/keys', ADMIN),
      field: 'name',
    },
    {
      name: 'NUL in a query parameter',
      send: () => request(testApp.baseUrl).get(`${TASKS_PATH}?type=%00`).set(bearer(acme)),
      field: 'type',
    },
    {
      name: 'NUL in a path parameter',
      send: () =>
        request(testApp.baseUrl).get(`${TASKS_PATH}/${taskId}/artifacts/a%00b`).set(bearer(acme)),
      field: 'name',
    },
  ];

  it.each(cases.map((c) => [c.name, c] as const))('refuses %s', async (_name, bad) => {
    const before = await stored();
    const response = await bad.send();
    expect(response.status).toBe(422);
    expect(response.headers['content-type']).toMatch(PROBLEM_JSON);
    expect(response.body).toMatchObject({ type: 'urn:taskyard:problem:validation-failed' });
    const errors = response.body.errors as { field: string; messages: string[] }[];
    expect(errors.map((e) => e.field)).toContain(bad.field);
    if (bad.message) expect(errors[0]?.messages.join(' ')).toMatch(bad.message);
    expect(await stored()).toEqual(before);
  });

  it('accepts JSON nested 64 levels deep (the body included) and stores it as sent', async () => {
    const body = `{"type":"echo","payload":${nested(63)}}`;
    const response = await postJson(body).expect(202);
    const [row] = await testApp.database.query<{ payload: unknown }>(
      'SELECT payload FROM tasks WHERE id = $1',
      [response.body.id],
    );
    expect(row?.payload).toEqual(JSON.parse(nested(63)));
    const deeper = await postJson(`{"type":"echo","payload":${nested(64)}}`).expect(422);
    expect(deeper.body.errors[0].messages[0]).toMatch(/64 levels/);
  });

  it('checks a wide body without running out of stack', async () => {
    // About 900 KB: under the 1 MB body limit, 450,000 items in one array.
    const items = Array.from({ length: 450_000 }, () => '0').join(',');
    await postJson(`{"type":"echo","payload":[${items}]}`).expect(202);
    const bad = await postJson(`{"type":"echo","payload":[${items},"\\u0000"]}`).expect(422);
    expect(bad.body.errors[0].field).toBe('payload.450000');
  });

  it('fails a batch whose manifest line holds NUL or a lone surrogate, creating no child', async () => {
    const lines = [
      '{"type":"echo","payload":{"ok":true}}',
      '{"type":"echo","payload":{"s":"x\\u0000"}}',
      '{"type":"echo","payload":{"\\ud800":1}}',
      `{"type":"echo","payload":${nested(100)}}`,
      '{"type":"sleep","options":{"ms":1,"__proto__":{}}}',
    ];
    const batch = await createFileTask(testApp.baseUrl, acme, 'batch', {
      content: lines.join('\n') + '\n',
      filename: 'manifest.ndjson',
      contentType: 'application/x-ndjson',
    });
    const done = await waitForTask(testApp.baseUrl, acme, batch.id);
    expect(done.status).toBe('failed');
    const detail = (done.error as { detail: string }).detail;
    expect(detail).toMatch(/^4 line\(s\) of the manifest are invalid/);
    expect(detail).toContain('line 2: payload.s: payload.s contains U+0000');
    expect(detail).toContain('line 3: payload.\ufffd: the key contains a lone UTF-16 surrogate');
    expect(detail).toContain(`line 4: payload${'.0'.repeat(63)}: objects and arrays may nest`);
    expect(detail).toContain('line 5: options.__proto__: property __proto__ should not exist');
    const [children] = await testApp.database.query<{ n: string }>(
      'SELECT count(*) AS n FROM tasks WHERE parent_id = $1',
      [batch.id],
    );
    expect(Number(children?.n)).toBe(0);
  });
});
