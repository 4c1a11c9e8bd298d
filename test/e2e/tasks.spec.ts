import { setTimeout as delay } from 'node:timers/promises';
import request from 'supertest';
import { TaskEventsListener } from '../../src/tasks/task-events.listener.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { ADMIN, TEST_ADMIN_KEY, bearer, createUserKey } from '../support/auth.js';
import {
  createTask,
  getTask,
  PROBLEM_JSON,
  type TaskBody,
  taskEvents,
  TASKS_PATH,
  waitForTask,
} from '../support/tasks.js';
import { waitFor } from '../support/wait.js';

/**
 * The response, or 'held for the whole wait' when the server kept it for the `waitS` it was allowed:
 * an answer "at once" must beat that, however slow the machine is.
 */
async function beforeTheWaitEnds<T>(
  answer: PromiseLike<T>,
  waitS: number,
): Promise<T | 'held for the whole wait'> {
  const timer = new AbortController();
  const waitedOut = delay(waitS * 1000 - 500, 'held for the whole wait' as const, {
    signal: timer.signal,
  }).catch(() => 'held for the whole wait' as const);
  try {
    return await Promise.race([answer, waitedOut]);
  } finally {
    timer.abort();
  }
}

describe('tasks API: creating, reading, listing and long polling', () => {
  let testApp: TestApp;
  let acme: string;

  beforeAll(async () => {
    testApp = await startTestApp({ env: { JOBS_POLL_INTERVAL_MS: '100' } });
    acme = await createUserKey(testApp.baseUrl, 'acme');
  });
  afterAll(() => testApp.close());

  const http = () => request(testApp.baseUrl);
  const count = async (sql: string, params: unknown[] = []): Promise<number> => {
    const [row] = await testApp.database.query<{ n: string }>(sql, params);
    return Number(row?.n);
  };

  it('runs an echo task: 202 with Location, then succeeded with the payload as result', async () => {
    const payload = { hello: 'world', n: [1, 2, 3], nested: { ok: true } };
    const response = await http()
      .post(TASKS_PATH)
      .set(bearer(acme))
      .send({ type: 'echo', payload })
      .expect(202);
    const task = response.body as TaskBody;
    expect(response.headers.location).toBe(`/api/v1/tasks/${task.id}`);
    expect(task).toMatchObject({ type: 'echo', status: 'queued', payload, lastSeq: 1 });
    expect(task).not.toHaveProperty('tenant');

    const done = await waitForTask(testApp.baseUrl, acme, task.id);
    expect(done).toMatchObject({ status: 'succeeded', result: payload, attempts: 1, error: null });
    expect(done.finishedAt).not.toBeNull();

    const events = await taskEvents(testApp.baseUrl, acme, task.id);
    expect(events.map((e) => [e.seq, e.kind])).toEqual([
      [1, 'created'],
      [2, 'started'],
      [3, 'succeeded'],
    ]);
    expect(events.every((e) => e.taskId === task.id)).toBe(true);
    expect(done.lastSeq).toBe(3);
    const later = await taskEvents(testApp.baseUrl, acme, task.id, 1);
    expect(later.map((e) => e.seq)).toEqual([2, 3]);
  });

  it('creates one task for ten concurrent POSTs with one Idempotency-Key', async () => {
    const key = `idem-${Date.now()}`;
    const responses = await Promise.all(
      Array.from({ length: 10 }, () =>
        http()
          .post(TASKS_PATH)
          .set(bearer(acme))
          .set('Idempotency-Key', key)
          .send({ type: 'echo', payload: { key } }),
      ),
    );
    const ids = new Set(responses.map((r) => (r.body as TaskBody).id));
    expect(ids.size).toBe(1);
    const [id] = [...ids];
    expect(responses.map((r) => r.status).sort((a, b) => a - b)).toEqual([
      200, 200, 200, 200, 200, 200, 200, 200, 200, 202,
    ]);
    for (const response of responses) {
      expect(response.headers.location).toBe(`/api/v1/tasks/${id}`);
      if (response.status === 200) expect(response.headers['idempotent-replayed']).toBe('true');
      else expect(response.headers['idempotent-replayed']).toBeUndefined();
    }
    expect(await count(`SELECT count(*) AS n FROM tasks WHERE idempotency_key = $1`, [key])).toBe(
      1,
    );
    expect(
      await count(
        `SELECT count(*) AS n FROM jobs WHERE type = 'task:echo' AND payload->>'taskId' = $1`,
        [id],
      ),
    ).toBe(1);
    expect(
      await count(
        `SELECT count(*) AS n FROM jobs WHERE type = 'task:echo' AND payload->>'taskId' NOT IN (SELECT id::text FROM tasks)`,
      ),
    ).toBe(0);

    const other = await createUserKey(testApp.baseUrl, 'other-tenant');
    const elsewhere = await http()
      .post(TASKS_PATH)
      .set(bearer(other))
      .set('Idempotency-Key', key)
      .send({ type: 'echo', payload: { key } })
      .expect(202);
    expect((elsewhere.body as TaskBody).id).not.toBe(id);
    expect(elsewhere.headers['idempotent-replayed']).toBeUndefined();
  });

  describe('listing', () => {
    let lister: string;
    /** Oldest first, as created. */
    const created: TaskBody[] = [];

    beforeAll(async () => {
      lister = await createUserKey(testApp.baseUrl, 'lister');
      for (let i = 0; i < 24; i++) {
        created.push(await createTask(testApp.baseUrl, lister, { type: 'echo', payload: { i } }));
      }
      // The newest one keeps running while the listing tests look at it.
      created.push(
        await createTask(testApp.baseUrl, lister, { type: 'sleep', options: { ms: 3_600_000 } }),
      );
      await waitForTask(testApp.baseUrl, lister, created[24].id, ['running']);
      for (const task of created.slice(0, 24)) await waitForTask(testApp.baseUrl, lister, task.id);
    });
    afterAll(async () => {
      await http().post(`${TASKS_PATH}/${created[24].id}/cancel`).set(bearer(lister));
    });

    const list = async (query: Record<string, string | number>) => {
      const response = await http().get(TASKS_PATH).query(query).set(bearer(lister)).expect(200);
      return response.body as { items: TaskBody[]; nextCursor: string | null };
    };

    it('lists newest first and pages with a cursor: no duplicates, no gaps', async () => {
      const seen: string[] = [];
      const sizes: number[] = [];
      let cursor: string | null = null;
      do {
        const page = await list({ limit: 10, ...(cursor ? { cursor } : {}) });
        sizes.push(page.items.length);
        seen.push(...page.items.map((t) => t.id));
        cursor = page.nextCursor;
      } while (cursor);
      expect(sizes).toEqual([10, 10, 5]);
      expect(seen).toEqual(created.map((t) => t.id).toReversed());
    });

    it('filters by status and by type', async () => {
      const running = await list({ status: 'running' });
      expect(running.items.map((t) => t.id)).toEqual([created[24].id]);
      const both = await list({ status: 'running,succeeded', limit: 100 });
      expect(both.items).toHaveLength(25);
      expect((await list({ status: 'failed' })).items).toEqual([]);
      const echoes = await list({ type: 'echo', limit: 100 });
      expect(echoes.items).toHaveLength(24);
      expect(echoes.items.every((t) => t.type === 'echo' && t.status === 'succeeded')).toBe(true);
      expect((await list({ type: 'sleep' })).items.map((t) => t.id)).toEqual([created[24].id]);
    });

    it('filters by createdAfter (inclusive) and createdBefore (exclusive)', async () => {
      // Boundaries at tasks 5 and 15 (API timestamps are ms, the database's µs).
      const from = created[5].createdAt;
      const to = created[15].createdAt;
      expect(created[4].createdAt < from && created[14].createdAt < to).toBe(true);
      const page = await list({ createdAfter: from, createdBefore: to, limit: 100 });
      expect(page.items.map((t) => t.id)).toEqual(
        created
          .slice(5, 15)
          .map((t) => t.id)
          .toReversed(),
      );
      const after = await list({ createdAfter: to, limit: 100 });
      expect(after.items).toHaveLength(10);
    });

    it('answers a bad cursor, status or date with 422', async () => {
      for (const [query, field] of [
        [{ cursor: 'not-a-cursor' }, 'cursor'],
        [{ cursor: Buffer.from('123/abc').toString('base64url') }, 'cursor'],
        [{ status: 'done' }, 'status'],
        [{ status: 'queued,bogus' }, 'status'],
        [{ createdAfter: 'yesterday' }, 'createdAfter'],
        [{ limit: 0 }, 'limit'],
        [{ limit: 101 }, 'limit'],
      ] as const) {
        const response = await http()
          .get(TASKS_PATH)
          .query(query)
          .set(bearer(lister))
          .expect(422)
          .expect('Content-Type', PROBLEM_JSON);
        expect(response.body.type).toBe('urn:taskyard:problem:validation-failed');
        expect((response.body.errors as { field: string }[]).map((e) => e.field)).toContain(field);
      }
    });

    it('shows an admin every tenant, with the tenant field', async () => {
      const acmeTask = await createTask(testApp.baseUrl, acme, { type: 'echo', payload: 'acme' });
      const response = await http().get(TASKS_PATH).query({ limit: 100 }).set(ADMIN).expect(200);
      const items = (response.body as { items: TaskBody[] }).items;
      const tenants = new Set(items.map((t) => t.tenant));
      expect(tenants.has('lister')).toBe(true);
      expect(tenants.has('acme')).toBe(true);
      expect(items).toContainEqual(expect.objectContaining({ id: acmeTask.id, tenant: 'acme' }));
    });
  });

  describe('long polling', () => {
    it('answers Prefer: wait as soon as the task changes', async () => {
      const task = await createTask(testApp.baseUrl, acme, {
        type: 'sleep',
        options: { ms: 1500 },
      });
      const before = await getTask(testApp.baseUrl, acme, task.id);
      const response = await beforeTheWaitEnds(
        http().get(`${TASKS_PATH}/${task.id}`).set(bearer(acme)).set('Prefer', 'wait=30'),
        30,
      );
      if (typeof response === 'string') throw new Error(response);
      expect(response.status).toBe(200);
      const body = response.body as TaskBody;
      expect(body.lastSeq).toBeGreaterThan(before.lastSeq);
      expect(response.headers['preference-applied']).toBe('wait=30');
      expect(response.headers.etag).toBe(`W/"${body.lastSeq}"`);
    });

    it('with ?until=finished waits past the task starting and its progress, for its end', async () => {
      const task = await createTask(testApp.baseUrl, acme, {
        type: 'sleep',
        options: { ms: 1500 },
      });
      const response = await beforeTheWaitEnds(
        http()
          .get(`${TASKS_PATH}/${task.id}?until=finished`)
          .set(bearer(acme))
          .set('Prefer', 'wait=30'),
        30,
      );
      if (typeof response === 'string') throw new Error(response);
      expect(response.status).toBe(200);
      const body = response.body as TaskBody;
      expect(body.status).toBe('succeeded');
      expect(response.headers.etag).toBe(`W/"${body.lastSeq}"`);
      // It slept through `started` and its progress events before answering.
      const events = await request(testApp.baseUrl)
        .get(`${TASKS_PATH}/${task.id}/events`)
        .set(bearer(acme))
        .expect(200);
      const kinds = (events.body as { kind: string }[]).map((e) => e.kind);
      expect(kinds).toEqual(
        expect.arrayContaining(['created', 'started', 'progress', 'succeeded']),
      );
    });

    it('with ?until=finished answers a task still running when the wait runs out', async () => {
      const task = await createTask(testApp.baseUrl, acme, {
        type: 'sleep',
        options: { ms: 3_600_000 },
      });
      await waitForTask(testApp.baseUrl, acme, task.id, ['running']);
      const started = Date.now();
      const response = await http()
        .get(`${TASKS_PATH}/${task.id}?until=finished`)
        .set(bearer(acme))
        .set('Prefer', 'wait=1')
        .expect(200);
      expect(Date.now() - started).toBeGreaterThanOrEqual(900);
      expect((response.body as TaskBody).status).toBe('running');
      await request(testApp.baseUrl)
        .post(`${TASKS_PATH}/${task.id}/cancel`)
        .set(bearer(acme))
        .expect(202);
    });

    it('refuses an unknown ?until with a 422 naming the field', async () => {
      const task = await createTask(testApp.baseUrl, acme, { type: 'echo', payload: 1 });
      const response = await http()
        .get(`${TASKS_PATH}/${task.id}?until=started`)
        .set(bearer(acme))
        .expect(422);
      expect(response.headers['content-type']).toMatch(PROBLEM_JSON);
      expect(JSON.stringify(response.body)).toContain('until');
    });

    it('answers at once for a finished task: 200, or 304 when If-None-Match is current', async () => {
      const task = await createTask(testApp.baseUrl, acme, { type: 'echo', payload: 1 });
      const done = await waitForTask(testApp.baseUrl, acme, task.id);
      const response = await beforeTheWaitEnds(
        http().get(`${TASKS_PATH}/${task.id}`).set(bearer(acme)).set('Prefer', 'wait=10'),
        10,
      );
      if (typeof response === 'string') throw new Error(response);
      expect(response.status).toBe(200);
      expect((response.body as TaskBody).status).toBe('succeeded');
      expect(response.headers['preference-applied']).toBe('wait=10');
      expect(response.headers.etag).toBe(`W/"${done.lastSeq}"`);

      const notModified = await beforeTheWaitEnds(
        http()
          .get(`${TASKS_PATH}/${task.id}`)
          .set(bearer(acme))
          .set('Prefer', 'wait=10')
          .set('If-None-Match', `W/"${done.lastSeq}"`),
        10,
      );
      if (typeof notModified === 'string') throw new Error(notModified);
      expect(notModified.status).toBe(304);
      expect(notModified.headers.etag).toBe(`W/"${done.lastSeq}"`);

      // fetch() adds Cache-Control: no-cache to every conditional request; the answer is the same.
      const fromFetch = await fetch(`${testApp.baseUrl}${TASKS_PATH}/${task.id}`, {
        headers: { ...bearer(acme), 'If-None-Match': `W/"${done.lastSeq}"` },
      });
      expect(fromFetch.status).toBe(304);
      expect(await fromFetch.text()).toBe('');
    });

    it('waits while If-None-Match is current, answers at once when it is older', async () => {
      // An hour in 20 steps: no progress event for three minutes after it starts.
      const task = await createTask(testApp.baseUrl, acme, {
        type: 'sleep',
        options: { ms: 3_600_000 },
      });
      const running = await waitForTask(testApp.baseUrl, acme, task.id, ['running']);
      const current = `W/"${running.lastSeq}"`;
      const poll = (etag: string, wait: number) =>
        http()
          .get(`${TASKS_PATH}/${task.id}`)
          .set(bearer(acme))
          .set('Prefer', `wait=${wait}`)
          .set('If-None-Match', etag);

      // Nothing happened in the wait: the client's copy is still current.
      const started = Date.now();
      const unchanged = await poll(current, 2).expect(304);
      expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
      expect(unchanged.headers.etag).toBe(current);
      expect(unchanged.headers['preference-applied']).toBe('wait=2');

      const stale = await beforeTheWaitEnds(poll(`W/"${running.lastSeq - 1}"`, 10), 10);
      if (typeof stale === 'string') throw new Error(stale);
      expect(stale.status).toBe(200);
      expect((stale.body as TaskBody).lastSeq).toBe(running.lastSeq);

      // A waiting poll hears the cancel at once.
      const waiting = beforeTheWaitEnds(poll(current, 30), 30);
      const waiters = Reflect.get(testApp.app.get(TaskEventsListener), 'waiters') as Map<
        string,
        unknown
      >;
      await waitFor('the poll to wait for the next event', () => waiters.has(task.id));
      await http().post(`${TASKS_PATH}/${task.id}/cancel`).set(bearer(acme)).expect(202);
      const changed = await waiting;
      if (typeof changed === 'string') throw new Error(changed);
      expect(changed.status).toBe(200);
      expect((changed.body as TaskBody).lastSeq).toBeGreaterThan(running.lastSeq);
    });

    it('keeps waiting when the notice of an event it has already read arrives late', async () => {
      await http().post('/api/v1/admin/queues/tasks/pause').set(ADMIN).expect(200);
      try {
        const task = await createTask(testApp.baseUrl, acme, { type: 'echo', payload: 3 });
        const listener = testApp.app.get(TaskEventsListener);
        const waiters = Reflect.get(listener, 'waiters') as Map<string, unknown>;
        const started = Date.now();
        const polling = http()
          .get(`${TASKS_PATH}/${task.id}`)
          .set(bearer(acme))
          .set('Prefer', 'wait=2')
          .set('If-None-Match', 'W/"1"')
          .then((response) => response);
        await waitFor('the poll to wait for the next event', () => waiters.has(task.id));
        // The `created` event's NOTIFY, delivered after the poll read the task.
        (Reflect.get(listener, 'dispatch') as (payload: string) => void).call(
          listener,
          `${task.id}:1`,
        );
        const response = await polling;
        expect(response.status).toBe(304);
        expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
      } finally {
        await http().post('/api/v1/admin/queues/tasks/resume').set(ADMIN).expect(200);
      }
    });

    it('caps the wait at TASKS_MAX_WAIT_S', async () => {
      const task = await createTask(testApp.baseUrl, acme, { type: 'echo', payload: 2 });
      await waitForTask(testApp.baseUrl, acme, task.id);
      const response = await http()
        .get(`${TASKS_PATH}/${task.id}`)
        .set(bearer(TEST_ADMIN_KEY))
        .set('Prefer', 'wait=100000')
        .expect(200);
      expect(response.headers['preference-applied']).toBe(`wait=${testApp.config.tasks.maxWaitS}`);
      expect((response.body as TaskBody).tenant).toBe('acme');
    });
  });
});
