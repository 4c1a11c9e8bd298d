import { GatewayReads } from '../../src/gateway/gateway-reads.js';
import { TasksRepository } from '../../src/tasks/tasks.repository.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { insertTasks } from '../support/event-writer.js';

/**
 * Progress of many tasks is written in shared statements, and the live feed reads many tasks' logs
 * in one: the fencing, the gapless seqs and each caller's own answer must hold inside a batch.
 */
describe('batched progress writes and event reads', () => {
  let testApp: TestApp;
  let tasks: TasksRepository;
  let reads: GatewayReads;

  const start = (ids: string[]): Promise<unknown> =>
    testApp.database.query(
      `UPDATE tasks SET status = 'running', attempts = 1, started_at = now() WHERE id = ANY($1)`,
      [ids],
    );
  const eventsOf = (id: string): Promise<{ seq: number; kind: string; data: unknown }[]> =>
    testApp.database.query(
      'SELECT seq, kind, data FROM task_events WHERE task_id = $1 ORDER BY seq',
      [id],
    );

  beforeAll(async () => {
    testApp = await startTestApp({ env: { ROLE: 'api' } });
    tasks = testApp.app.get(TasksRepository);
    reads = testApp.app.get(GatewayReads);
  });
  afterAll(() => testApp.close());

  it('answers each write of one batch for its own task and attempt', async () => {
    const [running, twice, stale, queued] = await insertTasks(testApp.database.url, 'acme', 4);
    await start([running, twice, stale]);
    const answers = await Promise.all([
      tasks.writeProgress(running, 1, { percent: 10 }),
      tasks.writeProgress(twice, 1, { percent: 20 }),
      tasks.writeProgress(stale, 0, { percent: 30 }),
      tasks.writeProgress(queued, 1, { percent: 40 }),
      tasks.writeProgress(twice, 1, { percent: 25 }),
    ]);
    expect(answers).toEqual([true, true, false, false, true]);

    expect(await eventsOf(running)).toEqual([
      { seq: 1, kind: 'created', data: {} },
      { seq: 2, kind: 'progress', data: { percent: 10 } },
    ]);
    // Two reports of one task in one batch: one event, of the later value.
    expect(await eventsOf(twice)).toEqual([
      { seq: 1, kind: 'created', data: {} },
      { seq: 2, kind: 'progress', data: { percent: 25 } },
    ]);
    expect(await eventsOf(stale)).toHaveLength(1);
    expect(await eventsOf(queued)).toHaveLength(1);
    const [row] = await testApp.database.query<{ progress: unknown; last_seq: number }>(
      'SELECT progress, last_seq FROM tasks WHERE id = $1',
      [twice],
    );
    expect(row).toEqual({ progress: { percent: 25 }, last_seq: 2 });
  });

  it('keeps every task log gapless when 100 tasks report at once, round after round', async () => {
    const ids = await insertTasks(testApp.database.url, 'acme', 100);
    await start(ids);
    for (let round = 1; round <= 5; round += 1) {
      const answers = await Promise.all(
        ids.map((id) => tasks.writeProgress(id, 1, { percent: round * 10 })),
      );
      expect(answers.every(Boolean)).toBe(true);
    }
    const rows = await testApp.database.query<{ task_id: string; seqs: number[] }>(
      `SELECT task_id, array_agg(seq ORDER BY seq) AS seqs FROM task_events
       WHERE task_id = ANY($1) GROUP BY task_id`,
      [ids],
    );
    expect(rows).toHaveLength(100);
    for (const row of rows) expect(row.seqs).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('reads many tasks’ pages in one go, each after its own seq and within its own limit', async () => {
    const [first, second] = await insertTasks(testApp.database.url, 'globex', 2);
    await start([first, second]);
    for (const percent of [1, 2, 3]) {
      await Promise.all([
        tasks.writeProgress(first, 1, { percent }),
        tasks.writeProgress(second, 1, { percent }),
      ]);
    }
    const unknown = '00000000-0000-4000-8000-000000000000';
    const pages = await Promise.all([
      reads.taskPage(first, 0, 2),
      reads.taskPage(second, 2, 10),
      reads.taskPage(unknown, 0, 10),
      reads.taskPage(first, 3, 10),
    ]);
    expect(pages.map((page) => page.map((e) => [e.taskId, e.seq]))).toEqual([
      [
        [first, 1],
        [first, 2],
      ],
      [
        [second, 3],
        [second, 4],
      ],
      [],
      [[first, 4]],
    ]);
    expect(pages[1]?.[0]).toMatchObject({
      kind: 'progress',
      data: { percent: 2 },
      tenant: 'globex',
      at: expect.any(Date),
    });
  });
});
