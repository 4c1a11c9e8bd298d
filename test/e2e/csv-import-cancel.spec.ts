import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { startTestApp, type TestApp } from '../support/app.js';
import { bearer, createUserKey } from '../support/auth.js';
import {
  blobPathOf,
  copiesUnderWay,
  holdBlob,
  pauseQueue,
  waitForCopyToEnd,
} from '../support/held-input.js';
import {
  createFileTask,
  importTableOf,
  taskEvents,
  TASKS_PATH,
  waitForTask,
} from '../support/tasks.js';
import { waitFor } from '../support/wait.js';

/** COPY data reaches the server in chunks of 256 Ki characters: this sends more than one. */
const rows = (from: number, count: number): string =>
  Array.from({ length: count }, (_, i) => `${from + i},row ${from + i} of a held import\n`).join(
    '',
  );

describe('csv.import: cancel while it runs', () => {
  let testApp: TestApp;
  let key: string;

  beforeAll(async () => {
    testApp = await startTestApp({ env: { JOBS_POLL_INTERVAL_MS: '100' } });
    key = await createUserKey(testApp.baseUrl, 'acme');
  });
  afterAll(() => testApp.close());

  it('stops the COPY on the database and leaves no table, though its input never ended', async () => {
    const { baseUrl, database } = testApp;
    // The task must not start before its input is swapped for a FIFO that never ends by itself.
    const content = `0,${randomUUID()}\n`;
    await pauseQueue(baseUrl, 'tasks', true);
    const task = await createFileTask(
      baseUrl,
      key,
      'csv.import',
      { content, filename: 'held.csv' },
      { header: false, columns: [{ name: 'n', type: 'int' }, { name: 'word' }] },
    );
    const input = await holdBlob(blobPathOf(testApp.config.dataDir, content));
    try {
      await pauseQueue(baseUrl, 'tasks', false);
      await waitFor('the COPY to start', async () => (await copiesUnderWay(database)).length === 1);
      await input.write(rows(1, 20_000));
      await waitFor(
        'rows to reach the COPY',
        async () => (await copiesUnderWay(database))[0]?.rows,
      );

      await request(baseUrl).post(`${TASKS_PATH}/${task.id}/cancel`).set(bearer(key)).expect(202);
      const cancelled = await waitForTask(baseUrl, key, task.id, ['cancelled']);
      expect(cancelled.error?.type).toBe('urn:taskyard:problem:task-cancelled');
      // Input keeps coming, but never its end: only the abort can end this COPY.
      await waitForCopyToEnd(database, input, '1,more\n');
      const [row] = await database.query<{ t: string | null }>(
        'SELECT to_regclass($1)::text AS t',
        [importTableOf(task.id)],
      );
      expect(row?.t).toBeNull();
      expect((await taskEvents(baseUrl, key, task.id)).map((e) => e.kind).at(-1)).toBe('cancelled');
    } finally {
      await pauseQueue(baseUrl, 'tasks', false);
      await input.close();
    }
  });
});
