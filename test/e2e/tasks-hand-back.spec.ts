import { startTestApp } from '../support/app.js';
import { createUserKey } from '../support/auth.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { createTask, waitForTask } from '../support/tasks.js';

describe('a task whose worker stops while it runs', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.drop());

  it('is handed back to the queue, uncounted, and its event says why', async () => {
    const testApp = await startTestApp({ database });
    const key = await createUserKey(testApp.baseUrl, 'acme');
    const task = await createTask(testApp.baseUrl, key, {
      type: 'sleep',
      options: { ms: 60_000 },
    });
    await waitForTask(testApp.baseUrl, key, task.id, ['running']);
    await testApp.close();

    const [row] = await database.query<{ status: string; attempts: number }>(
      'SELECT status, attempts FROM tasks WHERE id = $1',
      [task.id],
    );
    expect(row).toEqual({ status: 'queued', attempts: 0 });
    const events = await database.query<{ kind: string; data: { reason: string } }>(
      'SELECT kind, data FROM task_events WHERE task_id = $1 ORDER BY seq DESC LIMIT 1',
      [task.id],
    );
    expect(events).toEqual([
      {
        kind: 'retrying',
        data: expect.objectContaining({ reason: 'handed back by a stopping worker', attempt: 0 }),
      },
    ]);
  });
});
