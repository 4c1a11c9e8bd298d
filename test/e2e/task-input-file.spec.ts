import request from 'supertest';
import { startTestApp, type TestApp } from '../support/app.js';
import { bearer, createUserKey } from '../support/auth.js';
import { createFileTask, createTask, getTask, TASKS_PATH } from '../support/tasks.js';

interface InputFile {
  name: string | null;
  size: number;
  mediaType: string;
}

describe('the input file of a task in GET /tasks and GET /tasks/:id', () => {
  let t: TestApp;
  let key: string;
  const csv = 'id,name\n1,a\n2,b\n';

  beforeAll(async () => {
    t = await startTestApp();
    key = await createUserKey(t.baseUrl, 'acme');
  });
  afterAll(() => t?.close());

  it("shows a file task's input file name, size and media type, and null for a payload task", async () => {
    const fileTask = await createFileTask(t.baseUrl, key, 'csv.import', {
      content: csv,
      filename: 'orders 2026.csv',
      contentType: 'text/csv',
    });
    const payloadTask = await createTask(t.baseUrl, key, { type: 'echo', payload: 1 });

    const expected = {
      name: 'orders 2026.csv',
      size: Buffer.byteLength(csv),
      mediaType: 'text/csv',
    };
    const one = (await getTask(t.baseUrl, key, fileTask.id)) as { inputFile?: InputFile | null };
    expect(one.inputFile).toEqual(expected);
    const other = (await getTask(t.baseUrl, key, payloadTask.id)) as { inputFile?: unknown };
    expect(other.inputFile).toBeNull();

    const page = await request(t.baseUrl).get(TASKS_PATH).set(bearer(key)).expect(200);
    const items = (page.body as { items: { id: string; inputFile?: InputFile | null }[] }).items;
    expect(items.map((task) => [task.id, task.inputFile])).toEqual([
      [payloadTask.id, null],
      [fileTask.id, expected],
    ]);
  });

  it('keeps the file on every page of a list filtered by type', async () => {
    const ids: string[] = [];
    for (const name of ['a.csv', 'b.csv', 'c.csv']) {
      ids.push(
        (
          await createFileTask(t.baseUrl, key, 'csv.import', {
            content: `x\n${name}\n`,
            filename: name,
          })
        ).id,
      );
    }
    const names: (string | null)[] = [];
    let cursor: string | undefined;
    do {
      const response = await request(t.baseUrl)
        .get(TASKS_PATH)
        .query({ type: 'csv.import', limit: 2, ...(cursor ? { cursor } : {}) })
        .set(bearer(key))
        .expect(200);
      const body = response.body as {
        items: { inputFile?: InputFile | null }[];
        nextCursor: string | null;
      };
      names.push(...body.items.map((task) => task.inputFile?.name ?? null));
      cursor = body.nextCursor ?? undefined;
    } while (cursor);
    expect(names).toEqual(['c.csv', 'b.csv', 'a.csv', 'orders 2026.csv']);
  });
});
