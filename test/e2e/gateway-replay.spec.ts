import { performance } from 'node:perf_hooks';
import type { TaskEvent } from '../../src/client/follow-task.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { createUserKey } from '../support/auth.js';
import { insertTasks } from '../support/event-writer.js';
import { connectTasks } from '../support/sockets.js';
import { waitFor } from '../support/wait.js';

const EVENTS = 100_000;

describe('replay of a long log', () => {
  let testApp: TestApp;
  let acme: string;

  beforeAll(async () => {
    testApp = await startTestApp();
    acme = await createUserKey(testApp.baseUrl, 'acme');
  });
  afterAll(() => testApp.close());

  it(`streams a task's ${EVENTS.toLocaleString('en')} events in order, page by page`, async () => {
    const [taskId = ''] = await insertTasks(testApp.database.url, 'acme', 1);
    // Straight into the log, as if the task had written them: seq 2 … EVENTS, then its end.
    await testApp.database.query(
      `WITH events AS (
         INSERT INTO task_events (task_id, seq, kind, data)
         SELECT $1, s, CASE WHEN s = $2 THEN 'succeeded' ELSE 'progress' END,
                jsonb_build_object('percent', s * 100 / $2, 'message', repeat('x', 100))
         FROM generate_series(2, $2) s)
       UPDATE tasks SET last_seq = $2 WHERE id = $1`,
      [taskId, EVENTS],
    );
    const client = await connectTasks(testApp.baseUrl, { token: acme });
    // Checked as they come, none kept (the helper's recorder is taken off), so that the test's
    // own memory stays out of the figures.
    client.socket.off('task.event');
    let next = 1;
    let outOfOrder: TaskEvent | undefined;
    let firstAt: number | undefined;
    client.socket.on('task.event', (event: TaskEvent) => {
      firstAt ??= performance.now();
      if (event.seq !== next) outOfOrder ??= event;
      next++;
    });
    const rssBefore = process.memoryUsage().rss;
    let rssPeak = rssBefore;
    const sampler = setInterval(() => {
      rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
    }, 20);
    const started = performance.now();
    expect(await client.subscribe({ taskId, afterSeq: 0 })).toEqual({ ok: true });
    await waitFor('every event', () => next > EVENTS || outOfOrder, 120_000);
    clearInterval(sampler);
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `replay of ${EVENTS} events: first after ${((firstAt ?? NaN) - started).toFixed(0)} ms, ` +
        `all in ${seconds.toFixed(1)} s; RSS peak +${((rssPeak - rssBefore) / 2 ** 20).toFixed(0)} MB ` +
        `(server and client in this process)`,
    );
    expect(outOfOrder).toBeUndefined();
    expect(next - 1).toBe(EVENTS);
    client.close();
  }, 180_000);
});
