import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { startTestApp, type TestApp } from '../support/app.js';
import { ADMIN, bearer, createUserKey } from '../support/auth.js';
import { type OpenApiDocument, responseSchema, schemaErrors } from '../support/openapi.js';
import {
  createFileTask,
  createTask,
  PROBLEM_JSON,
  type TaskBody,
  TASKS_PATH,
  waitForTask,
} from '../support/tasks.js';

const LINE = '_line';

interface RowsPage {
  columns: { name: string; type: string }[];
  items: Record<string, unknown>[];
  nextCursor: string | null;
}

/** 250 data rows under a header, with a blank line and a rejected row inside. */
function peopleCsv(): string {
  const lines = ['id,name,born,score'];
  for (let i = 1; i <= 250; i++) {
    lines.push(`${i},"person ${i}",2000-01-${String((i % 28) + 1).padStart(2, '0')},${i / 4}`);
    if (i === 100) lines.push('');
    if (i === 200) lines.push('not-a-number,rejected,2000-01-01,1');
  }
  return `${lines.join('\n')}\n`;
}

describe('GET /tasks/:id/rows', () => {
  let testApp: TestApp;
  let acme: string;
  let other: string;
  let imported: TaskBody;

  beforeAll(async () => {
    testApp = await startTestApp({ env: { JOBS_POLL_INTERVAL_MS: '100' } });
    acme = await createUserKey(testApp.baseUrl, 'acme');
    other = await createUserKey(testApp.baseUrl, 'other');
    const task = await createFileTask(
      testApp.baseUrl,
      acme,
      'csv.import',
      { content: peopleCsv(), filename: 'people.csv' },
      {
        columns: [
          { name: 'id', type: 'int', nullable: false },
          { name: 'born', type: 'date' },
          { name: 'score', type: 'float' },
        ],
      },
    );
    imported = await waitForTask(testApp.baseUrl, acme, task.id);
    if (imported.status !== 'succeeded') throw new Error(`the import ${imported.status}`);
  });
  afterAll(() => testApp.close());

  const rows = (key: string, id: string, query: Record<string, string | number> = {}) =>
    request(testApp.baseUrl).get(`${TASKS_PATH}/${id}/rows`).set(bearer(key)).query(query);

  it('reads every loaded row once, in load order, across pages', async () => {
    const seen: Record<string, unknown>[] = [];
    let after: string | null = null;
    let pages = 0;
    do {
      const response = await rows(acme, imported.id, { limit: 60, ...(after ? { after } : {}) });
      expect(response.status).toBe(200);
      const page = response.body as RowsPage;
      expect(page.items.length).toBeLessThanOrEqual(60);
      seen.push(...page.items);
      after = page.nextCursor;
      pages++;
    } while (after);
    expect(pages).toBe(5);
    expect(seen.map((row) => row.id)).toEqual(Array.from({ length: 250 }, (_, i) => i + 1));
    // _line is the file's line: the header is line 1, a blank line follows id 100, a reject id 200.
    expect(seen[0]).toEqual({ _line: 2, id: 1, name: 'person 1', born: '2000-01-02', score: 0.25 });
    expect([seen[100][LINE], seen[200][LINE]]).toEqual([103, 204]);
  });

  it('gives the columns and a first page of 100 by default', async () => {
    const page = (await rows(acme, imported.id).expect(200)).body as RowsPage;
    expect(page.columns.map((c) => [c.name, c.type])).toEqual([
      ['id', 'int'],
      ['name', 'text'],
      ['born', 'date'],
      ['score', 'float'],
    ]);
    expect(page.items).toHaveLength(100);
    expect(typeof page.nextCursor).toBe('string');
    const all = (await rows(acme, imported.id, { limit: 1000 }).expect(200)).body as RowsPage;
    expect([all.items.length, all.nextCursor]).toEqual([250, null]);
  });

  it('answers as its OpenAPI description says', async () => {
    const document = (await request(testApp.baseUrl).get('/docs-json').expect(200))
      .body as OpenApiDocument;
    const schema = responseSchema(document, '/api/v1/tasks/{id}/rows', 'get', '200');
    const page = await rows(acme, imported.id, { limit: 3 }).expect(200);
    expect(schemaErrors(document, schema, page.body)).toEqual([]);
  });

  it('sends ints beyond what a JSON number carries exactly as strings', async () => {
    const task = await createFileTask(
      testApp.baseUrl,
      acme,
      'csv.import',
      { content: 'n\n9007199254740991\n-9223372036854775808\n\n', filename: 'big.csv' },
      { columns: [{ name: 'n', type: 'int' }] },
    );
    expect((await waitForTask(testApp.baseUrl, acme, task.id)).status).toBe('succeeded');
    const page = (await rows(acme, task.id).expect(200)).body as RowsPage;
    expect(page.items).toEqual([
      { _line: 2, n: 9007199254740991 },
      { _line: 3, n: '-9223372036854775808' },
    ]);
  });

  it.each([[0], [1001], ['ten']])('refuses limit=%s with 422', async (limit) => {
    const response = await rows(acme, imported.id, { limit }).expect(422);
    expect(response.body.errors.map((e: { field: string }) => e.field)).toEqual(['limit']);
  });

  it.each([['garbage'], [Buffer.from('line:-1').toString('base64url')], ['']])(
    'refuses a cursor it did not give out (%j) with 422',
    async (after) => {
      const response = await rows(acme, imported.id, { after }).expect(422);
      expect(response.headers['content-type']).toMatch(PROBLEM_JSON);
      expect(response.body.errors).toEqual([
        { field: 'after', messages: ['after is not a cursor this API gave out'] },
      ]);
    },
  );

  it("answers 404 for another tenant's import, and shows it to an admin", async () => {
    const response = await rows(other, imported.id).expect(404);
    expect(response.body.type).toBe('urn:taskyard:problem:not-found');
    expect(response.body.detail).toBe(`There is no task with id ${imported.id}.`);
    await rows(ADMIN.Authorization.slice('Bearer '.length), imported.id).expect(200);
    await rows(acme, randomUUID()).expect(404);
  });

  it('answers 404 for a task of another type, 409 for an import that has not succeeded', async () => {
    const echo = await createTask(testApp.baseUrl, acme, { type: 'echo', payload: { a: 1 } });
    const wrongType = await rows(acme, echo.id).expect(404);
    expect(wrongType.body.detail).toMatch(/is a echo task: only csv.import tasks have rows/);

    const failing = await createFileTask(
      testApp.baseUrl,
      acme,
      'csv.import',
      { content: 'a,b\n1,2\n', filename: 'x.csv' },
      { columns: [{ name: 'missing', type: 'int' }] },
    );
    const failed = await waitForTask(testApp.baseUrl, acme, failing.id);
    expect(failed.status).toBe('failed');
    const conflict = await rows(acme, failed.id).expect(409);
    expect(conflict.body).toMatchObject({
      type: 'urn:taskyard:problem:conflict',
      detail: `Task ${failed.id} is failed: its rows can be read once it has succeeded.`,
    });
  });
});
