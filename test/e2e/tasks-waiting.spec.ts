import { Injectable, Module } from '@nestjs/common';
import request from 'supertest';
import { taskDetails } from '../../src/cli/task-view.js';
import { Taskyard } from '../../src/client/index.js';
import {
  TaskProcessor,
  type TaskProcessorHandler,
} from '../../src/tasks/task-processor.decorator.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { ADMIN, bearer, createUserKey } from '../support/auth.js';
import { type OpenApiDocument, responseSchema, schemaErrors } from '../support/openapi.js';
import {
  createFileTask,
  createTask,
  manifest,
  TASKS_PATH,
  type TaskBody,
  waitForTask,
} from '../support/tasks.js';
import { waitFor } from '../support/wait.js';

/** Fails every attempt: its task waits out a retry's backoff between them. */
@Injectable()
@TaskProcessor('test.flaky', { input: 'payload', maxAttempts: 2 })
class FlakyProcessor implements TaskProcessorHandler {
  process(): Promise<never> {
    return Promise.reject(new Error('fails on purpose'));
  }
}

@Module({ providers: [FlakyProcessor] })
class FlakyProcessorModule {}

type Waiting = Record<string, unknown> & { reason: string; message: string };
type TaskWithWaiting = TaskBody & { runAt: string | null; waiting?: Waiting };

const LONG_SLEEP = { type: 'sleep', options: { ms: 600_000 } };
const KEY_ERROR = {
  field: 'concurrencyKey',
  messages: ['concurrencyKey must be 1 to 200 printable ASCII characters'],
};

/** GET /tasks/{id}, its answer checked against the OpenAPI document (objects read closed). */
async function readTask(
  t: TestApp,
  document: OpenApiDocument,
  key: string,
  id: string,
  prefer?: string,
): Promise<TaskWithWaiting> {
  const get = request(t.baseUrl).get(`${TASKS_PATH}/${id}`).set(bearer(key));
  const response = await (prefer ? get.set('Prefer', prefer) : get).expect(200);
  const schema = responseSchema(document, '/api/v1/tasks/{id}', 'get', '200');
  expect(schemaErrors(document, schema, response.body)).toEqual([]);
  return response.body as TaskWithWaiting;
}

const openApi = async (t: TestApp): Promise<OpenApiDocument> =>
  (await request(t.baseUrl).get('/docs-json').expect(200)).body as OpenApiDocument;

const cancel = (t: TestApp, key: string, id: string) =>
  request(t.baseUrl).post(`${TASKS_PATH}/${id}/cancel`).set(bearer(key)).expect(202);

const setPaused = (t: TestApp, paused: boolean) =>
  request(t.baseUrl)
    .post(`/api/v1/admin/queues/tasks/${paused ? 'pause' : 'resume'}`)
    .set(ADMIN)
    .expect(200);

/** A worker process in the registry as another process leaves it (this app runs none). */
const registerWorker = (t: TestApp, id: string, types: string, queues: string, goneAt: string) =>
  t.database.query(
    `INSERT INTO worker_processes
       (id, role, host, pid, version, started_at, concurrency, types, queues, gone_at)
     VALUES ($1, 'worker', 'elsewhere', 1, '0.0.0', now(), 1, $2, $3, ${goneAt})`,
    [id, types, queues],
  );

describe('why a queued task waits, with no worker process to claim it', () => {
  let t: TestApp;
  let document: OpenApiDocument;
  let key: string;
  const ids: string[] = [];

  beforeAll(async () => {
    // A registered worker stays alive for the whole file without heartbeating.
    t = await startTestApp({
      env: { ROLE: 'api', WORKERS_HEARTBEAT_MS: '1800000', WORKERS_GONE_AFTER_MS: '3600000' },
    });
    document = await openApi(t);
    key = await createUserKey(t.baseUrl, 'line');
    for (const n of [1, 2, 3, 4])
      ids.push((await createTask(t.baseUrl, key, { type: 'echo', payload: { n } })).id);
  });
  afterAll(() => t.close());

  it('no_worker: until a live worker process serves its type in its queue, after a paused queue', async () => {
    const last = ids[3];
    const noWorker = {
      reason: 'no_worker',
      message:
        'No worker process that runs "echo" tasks from queue "tasks" is alive; it runs once one starts.',
    };
    expect((await readTask(t, document, key, last)).waiting).toEqual(noWorker);
    await registerWorker(t, 'elsewhere:1:aaaaaa', '{task:sleep}', '{}', 'NULL');
    await registerWorker(t, 'elsewhere:2:bbbbbb', '{task:echo}', '{mail}', 'NULL');
    await registerWorker(t, 'elsewhere:3:cccccc', '{task:echo}', '{}', 'now()');
    expect((await readTask(t, document, key, last)).waiting).toEqual(noWorker);
    await setPaused(t, true);
    try {
      expect((await readTask(t, document, key, last)).waiting).toMatchObject({
        reason: 'queue_paused',
      });
    } finally {
      await setPaused(t, false);
    }
    await registerWorker(t, 'elsewhere:4:dddddd', '{task:echo,task:sleep}', '{mail,tasks}', 'NULL');
    expect((await readTask(t, document, key, last)).waiting).toMatchObject({ reason: 'behind' });
  });

  it('behind: counts the runnable tasks ahead of it in claim order, and follows them', async () => {
    const [first, second, , last] = ids;
    expect((await readTask(t, document, key, first)).waiting).toEqual({
      reason: 'behind',
      message: 'It is next: it starts when a worker has a free slot.',
      ahead: 0,
    });
    expect((await readTask(t, document, key, last)).waiting).toEqual({
      reason: 'behind',
      message: '3 runnable tasks are ahead of it.',
      ahead: 3,
    });
    await cancel(t, key, second);
    expect((await readTask(t, document, key, last)).waiting).toMatchObject({ ahead: 2 });
  });

  it('is computed for a task read on its own only: a list page and a finished task have none', async () => {
    const page = await request(t.baseUrl).get(TASKS_PATH).set(bearer(key)).expect(200);
    const items = (page.body as { items: TaskWithWaiting[] }).items;
    expect(items.map((task) => task.status).sort()).toEqual([
      'cancelled',
      'queued',
      'queued',
      'queued',
    ]);
    expect(items.filter((task) => 'waiting' in task)).toEqual([]);
    const cancelled = await readTask(t, document, key, ids[1]);
    expect(cancelled.status).toBe('cancelled');
    expect('waiting' in cancelled).toBe(false);
  });

  it('queue_paused: names the paused queue, and is behind again once it is resumed', async () => {
    const last = ids[3];
    await setPaused(t, true);
    try {
      expect((await readTask(t, document, key, last)).waiting).toEqual({
        reason: 'queue_paused',
        message: 'Its queue "tasks" is paused; it runs once the queue is resumed.',
        queue: 'tasks',
      });
      // The long poll answers with it too.
      const polled = await readTask(t, document, key, last, 'wait=1');
      expect(polled.waiting).toMatchObject({ reason: 'queue_paused' });
    } finally {
      await setPaused(t, false);
    }
    expect((await readTask(t, document, key, last)).waiting).toMatchObject({ reason: 'behind' });
  });

  it('reaches the SDK and the CLI', async () => {
    const task = await new Taskyard({ url: t.baseUrl, key }).getTask(ids[3]);
    expect(task.waiting).toMatchObject({ reason: 'behind', ahead: 2 });
    expect(taskDetails(task)).toMatch(/^waiting +behind: 2 runnable tasks are ahead of it\.$/m);
  });
});

describe('why a queued task waits, with a worker process running tasks', () => {
  let t: TestApp;
  let document: OpenApiDocument;

  beforeAll(async () => {
    t = await startTestApp({
      // A retry waits a random time up to an hour: long enough to be read while it waits.
      env: { JOBS_BACKOFF_BASE_MS: '3600000' },
      modules: [FlakyProcessorModule],
    });
    document = await openApi(t);
  });
  afterAll(() => t.close());

  const running = (key: string, id: string) => waitForTask(t.baseUrl, key, id, ['running']);

  it('run_at: a retry waiting out its backoff names the time, before a paused queue', async () => {
    const key = await createUserKey(t.baseUrl, 'flaky');
    const { id } = await createTask(t.baseUrl, key, { type: 'test.flaky', payload: {} });
    const retrying = await waitFor('the first attempt to fail', async () => {
      const task = await readTask(t, document, key, id);
      return task.status === 'queued' && task.attempts === 1 && task;
    });
    const runAt = retrying.waiting?.runAt as string;
    expect(runAt).toBe(retrying.runAt);
    expect(new Date(runAt).getTime()).toBeGreaterThan(Date.now());
    expect(retrying.waiting).toEqual({
      reason: 'run_at',
      message: `It runs no sooner than ${runAt}.`,
      runAt,
    });
    await setPaused(t, true);
    try {
      expect((await readTask(t, document, key, id)).waiting).toMatchObject({ reason: 'run_at' });
    } finally {
      await setPaused(t, false);
    }
    await cancel(t, key, id);
  });

  it('concurrency_key: names the running task that holds the key; the running one has none', async () => {
    const key = await createUserKey(t.baseUrl, 'keyed');
    const keyed = { ...LONG_SLEEP, concurrencyKey: 'report-42' };
    const first = await createTask(t.baseUrl, key, keyed);
    const holder = await running(key, first.id);
    expect('waiting' in (await readTask(t, document, key, holder.id))).toBe(false);
    const second = await new Taskyard({ url: t.baseUrl, key }).createTask(keyed);
    expect((await readTask(t, document, key, second.id)).waiting).toEqual({
      reason: 'concurrency_key',
      message: `Its concurrency key is held by task ${first.id}.`,
      blockedBy: first.id,
    });
    // The key is the tenant's: another tenant's task with the same key runs.
    const other = await createUserKey(t.baseUrl, 'keyed-other');
    const elsewhere = await createTask(t.baseUrl, other, keyed);
    await running(other, elsewhere.id);
    for (const [owner, id] of [
      [key, second.id],
      [other, elsewhere.id],
      [key, first.id],
    ]) {
      await cancel(t, owner, id);
    }
  });

  it('refuses a concurrency key that is not 1 to 200 printable characters', async () => {
    const key = await createUserKey(t.baseUrl, 'keyed-bad');
    for (const concurrencyKey of ['', 'a b', 'x'.repeat(201), 42]) {
      const refused = await request(t.baseUrl)
        .post(TASKS_PATH)
        .set(bearer(key))
        .send({ type: 'echo', payload: {}, concurrencyKey })
        .expect(422);
      expect(refused.body.errors).toEqual([KEY_ERROR]);
    }
    const form = await request(t.baseUrl)
      .post(TASKS_PATH)
      .set(bearer(key))
      .field('type', 'text.analyze')
      .field('concurrencyKey', 'a b')
      .attach('file', Buffer.from('some words\n'), { filename: 'a.txt', contentType: 'text/plain' })
      .expect(422);
    expect(form.body.errors).toEqual([KEY_ERROR]);
  });

  it('group_cap: names the tenant, its cap and its running tasks', async () => {
    await request(t.baseUrl)
      .put('/api/v1/admin/tenants/capped/limits')
      .set(ADMIN)
      .send({ maxRunningTasks: 1 })
      .expect(200);
    const key = await createUserKey(t.baseUrl, 'capped');
    const first = await createTask(t.baseUrl, key, LONG_SLEEP);
    await running(key, first.id);
    const second = await createTask(t.baseUrl, key, LONG_SLEEP);
    expect((await readTask(t, document, key, second.id)).waiting).toEqual({
      reason: 'group_cap',
      message: 'Tenant capped is at its cap of running tasks: 1 of 1.',
      tenant: 'capped',
      maxRunning: 1,
      running: 1,
    });
    await cancel(t, key, second.id);
    await cancel(t, key, first.id);
  });

  it('children: a batch parent whose own work is done counts the children it waits for', async () => {
    const key = await createUserKey(t.baseUrl, 'batcher');
    const parent = await createFileTask(
      t.baseUrl,
      key,
      'batch',
      manifest([LONG_SLEEP, LONG_SLEEP]),
    );
    // Queued, it waits like any task (behind); while it reads its manifest it runs; then it waits.
    const waiting = await waitFor('the parent to wait for its children', async () => {
      const task = await readTask(t, document, key, parent.id);
      return task.waiting?.reason === 'children' && task;
    });
    expect(waiting.status).toBe('running');
    expect(waiting.waiting).toEqual({
      reason: 'children',
      message: 'Its own work is done; it waits for 2 of its 2 children to finish.',
      total: 2,
      unfinished: 2,
    });
    await cancel(t, key, parent.id);
    const ended = await waitForTask(t.baseUrl, key, parent.id);
    expect('waiting' in (await readTask(t, document, key, ended.id))).toBe(false);
  });
});
