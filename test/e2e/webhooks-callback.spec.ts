import request from 'supertest';
import { bearer, createUserKey } from '../support/auth.js';
import { startTestApp, type TestApp } from '../support/app.js';
import {
  createTask,
  manifest,
  postFileTask,
  TASKS_PATH,
  type TaskBody,
  waitForTask,
} from '../support/tasks.js';
import { waitFor } from '../support/wait.js';
import { verifySignature, WebhookReceiver } from '../support/webhook-receiver.js';

interface Attempt {
  messageId: string;
  eventType: string;
  attempt: number;
  outcome: string;
  statusCode: number | null;
  error: string | null;
}

const SECRET_PATH = '/api/v1/webhooks/default/secret';

async function defaultSecret(baseUrl: string, key: string): Promise<string> {
  const response = await request(baseUrl).get(SECRET_PATH).set(bearer(key)).expect(200);
  return (response.body as { secret: string }).secret;
}

async function callbacks(baseUrl: string, key: string, taskId: string): Promise<Attempt[]> {
  const response = await request(baseUrl)
    .get(`${TASKS_PATH}/${taskId}/callbacks`)
    .set(bearer(key))
    .expect(200);
  return response.body as Attempt[];
}

describe("a task's own callbackUrl", () => {
  let t: TestApp;
  let key: string;
  const receivers: WebhookReceiver[] = [];

  const receiver = async () => {
    const made = await new WebhookReceiver().listen();
    receivers.push(made);
    return made;
  };

  beforeAll(async () => {
    t = await startTestApp({
      env: {
        WEBHOOKS_ALLOW_PRIVATE: 'true',
        WEBHOOKS_TIMEOUT_MS: '2000',
        WEBHOOKS_MAX_ATTEMPTS: '4',
        JOBS_BACKOFF_BASE_MS: '100',
        JOBS_BACKOFF_MAX_MS: '200',
      },
    });
    key = await createUserKey(t.baseUrl, 'callbacks');
  });
  afterAll(async () => {
    await Promise.all(receivers.map((r) => r.close()));
    await t.close();
  });

  it('POSTs each terminal event once, signed with the default secret, and no other event', async () => {
    const hooks = await receiver();
    const callbackUrl = hooks.url();
    const done = await createTask(t.baseUrl, key, { type: 'echo', payload: { n: 1 }, callbackUrl });
    expect(done.callbackUrl).toBe(callbackUrl);
    await waitForTask(t.baseUrl, key, done.id);
    // Started and progress events before the cancel: none of them is sent.
    const long = await createTask(t.baseUrl, key, {
      type: 'sleep',
      options: { ms: 60_000 },
      callbackUrl,
    });
    await waitFor('the sleep to report progress', async () => {
      const task = await waitForTask(t.baseUrl, key, long.id, ['running']);
      return task.progress !== null;
    });
    await request(t.baseUrl).post(`${TASKS_PATH}/${long.id}/cancel`).set(bearer(key)).expect(202);
    await waitForTask(t.baseUrl, key, long.id);
    await waitFor('two callbacks', () => hooks.received.length >= 2);
    // Time for a wrongly sent third to arrive.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(hooks.received).toHaveLength(2);
    const byTask = new Map(hooks.received.map((r) => [r.json.data.task.id, r]));
    expect(byTask.get(done.id)?.json.type).toBe('task.succeeded');
    expect(byTask.get(long.id)?.json.type).toBe('task.cancelled');
    expect(byTask.get(done.id)?.json.data).toMatchObject({
      task: { id: done.id, status: 'succeeded', result: { n: 1 }, callbackUrl },
      event: { taskId: done.id, kind: 'succeeded' },
    });

    const secret = await defaultSecret(t.baseUrl, key);
    expect(secret).toMatch(/^whsec_/);
    for (const received of hooks.received) {
      expect(verifySignature(secret, received)).toBe(true);
      expect(verifySignature(`whsec_${Buffer.alloc(32).toString('base64')}`, received)).toBe(false);
      const { id: taskId } = received.json.data.task;
      expect(received.headers['webhook-id']).toBe(`msg_${taskId}_${received.json.data.event.seq}`);
    }
    const attempts = await callbacks(t.baseUrl, key, done.id);
    expect(attempts).toEqual([
      expect.objectContaining({
        messageId: byTask.get(done.id)?.headers['webhook-id'],
        eventType: 'task.succeeded',
        attempt: 1,
        outcome: 'delivered',
        statusCode: 200,
        error: null,
      }),
    ]);
    const shown = await request(t.baseUrl).get(`${TASKS_PATH}/${done.id}`).set(bearer(key));
    expect((shown.body as TaskBody).callbackUrl).toBe(callbackUrl);
  });

  it('sends a registered endpoint and the callback the same webhook-id for one event', async () => {
    const endpointHooks = await receiver();
    const callbackHooks = await receiver();
    const made = await request(t.baseUrl)
      .post('/api/v1/webhooks')
      .set(bearer(key))
      .send({ url: endpointHooks.url(), events: ['task.succeeded'] })
      .expect(201);
    try {
      const task = await createTask(t.baseUrl, key, {
        type: 'echo',
        payload: {},
        callbackUrl: callbackHooks.url(),
      });
      await waitFor('both deliveries', () =>
        [endpointHooks, callbackHooks].every((hooks) =>
          hooks.received.some((r) => r.json.data.task.id === task.id),
        ),
      );
      const [fromEndpoint] = endpointHooks.received.filter((r) => r.json.data.task.id === task.id);
      expect(callbackHooks.received).toHaveLength(1);
      expect(callbackHooks.received[0]?.headers['webhook-id']).toBe(
        fromEndpoint?.headers['webhook-id'],
      );
      expect(callbackHooks.received[0]?.body).not.toBe('');
    } finally {
      await request(t.baseUrl)
        .delete(`/api/v1/webhooks/${(made.body as { id: string }).id}`)
        .set(bearer(key));
    }
  });

  it('retries a 500 and delivers the callback with the same webhook-id', async () => {
    const hooks = await receiver();
    hooks.answer = (n) => (n === 1 ? 500 : 200);
    const task = await createTask(t.baseUrl, key, {
      type: 'echo',
      payload: {},
      callbackUrl: hooks.url(),
    });
    await waitFor('a retried callback', () => hooks.received.length >= 2);
    const [first, second] = hooks.received;
    if (!first || !second) throw new Error('no second callback');
    expect(second.headers['webhook-id']).toBe(first.headers['webhook-id']);
    expect(verifySignature(await defaultSecret(t.baseUrl, key), second)).toBe(true);
    const attempts = await waitFor('two attempts recorded', async () => {
      const list = await callbacks(t.baseUrl, key, task.id);
      return list.length === 2 ? list : undefined;
    });
    expect(attempts.map((a) => [a.attempt, a.outcome, a.statusCode, a.error])).toEqual([
      [2, 'delivered', 200, null],
      [1, 'failed', 500, 'HTTP 500'],
    ]);
  });

  it('POSTs task.failed, signed and with the error, for a task that fails for good', async () => {
    const hooks = await receiver();
    const callbackUrl = hooks.url();
    // A manifest line of an unknown type: the batch fails on its first attempt, not retried.
    const created = await postFileTask(
      t.baseUrl,
      key,
      'batch',
      manifest([{ type: 'no.such.type' }]),
    )
      .field('callbackUrl', callbackUrl)
      .expect(202);
    const { id } = created.body as TaskBody;
    const failed = await waitForTask(t.baseUrl, key, id);
    expect(failed).toMatchObject({ status: 'failed', attempts: 1, callbackUrl });
    expect(failed.error?.detail).toContain('line 1');

    const received = await waitFor('the failed callback', () => hooks.received[0]);
    expect(received.json).toMatchObject({
      type: 'task.failed',
      data: {
        task: { id, status: 'failed', error: failed.error, callbackUrl },
        event: { taskId: id, kind: 'failed', data: { error: failed.error } },
      },
    });
    expect(verifySignature(await defaultSecret(t.baseUrl, key), received)).toBe(true);
    expect(received.headers['webhook-id']).toBe(`msg_${id}_${received.json.data.event.seq}`);

    const attempts = await waitFor('the attempt recorded', async () => {
      const list = await callbacks(t.baseUrl, key, id);
      return list.length > 0 ? list : undefined;
    });
    expect(attempts).toEqual([
      expect.objectContaining({
        messageId: received.headers['webhook-id'],
        eventType: 'task.failed',
        attempt: 1,
        outcome: 'delivered',
        statusCode: 200,
        error: null,
      }),
    ]);
    expect(hooks.received).toHaveLength(1);
  });

  it('takes callbackUrl as a form field and on batch lines', async () => {
    const callbackUrl = 'https://example.com/hooks/form';
    const form = await postFileTask(t.baseUrl, key, 'text.analyze', {
      content: 'a few words',
      filename: 'words.txt',
      contentType: 'text/plain',
    })
      .field('callbackUrl', callbackUrl)
      .expect(202);
    expect((form.body as TaskBody).callbackUrl).toBe(callbackUrl);
    const parent = await postFileTask(
      t.baseUrl,
      key,
      'batch',
      manifest([{ type: 'echo', payload: {}, callbackUrl: 'https://example.com/hooks/line' }]),
    ).expect(202);
    const parentId = (parent.body as TaskBody).id;
    await waitForTask(t.baseUrl, key, parentId);
    const [child] = await t.database.query<{ callback_url: string | null }>(
      'SELECT callback_url FROM tasks WHERE parent_id = $1',
      [parentId],
    );
    expect(child?.callback_url).toBe('https://example.com/hooks/line');
    expect((parent.body as TaskBody).callbackUrl).toBeNull();
  });

  it('answers 422 for a callbackUrl that is not an absolute http(s) URL, storing nothing', async () => {
    const own = await createUserKey(t.baseUrl, 'callbacks-bad');
    const bad = [
      ['ftp://example.com/hook', /absolute http or https URL/],
      ['/hooks/relative', /absolute http or https URL/],
      ['https://user:pass@example.com/hook', /user name or password/],
      [`https://example.com/${'a'.repeat(2048)}`, /at most 2048 characters/],
      [42, /must be a string/],
    ] as const;
    for (const [callbackUrl, message] of bad) {
      const response = await request(t.baseUrl)
        .post(TASKS_PATH)
        .set(bearer(own))
        .send({ type: 'echo', payload: {}, callbackUrl })
        .expect(422);
      const errors = (response.body as { errors: { field: string; messages: string[] }[] }).errors;
      expect(errors).toEqual([
        { field: 'callbackUrl', messages: [expect.stringMatching(message)] },
      ]);
    }
    const form = await postFileTask(t.baseUrl, own, 'text.analyze', {
      content: 'words',
      filename: 'words.txt',
      contentType: 'text/plain',
    })
      .field('callbackUrl', 'ftp://example.com/hook')
      .expect(422);
    expect(JSON.stringify(form.body)).toContain('callbackUrl');
    const listed = await request(t.baseUrl).get(TASKS_PATH).set(bearer(own)).expect(200);
    expect((listed.body as { items: unknown[] }).items).toEqual([]);
    const [files] = await t.database.query<{ n: string }>(
      `SELECT count(*) AS n FROM files WHERE tenant = 'callbacks-bad'`,
    );
    expect(Number(files?.n)).toBe(0);
  });

  it('keeps callbacks and the default secret per tenant; two first reads make one secret', async () => {
    const other = await createUserKey(t.baseUrl, 'callbacks-other');
    const task = await createTask(t.baseUrl, key, {
      type: 'echo',
      payload: {},
      callbackUrl: 'https://example.com/hooks/mine',
    });
    await request(t.baseUrl)
      .get(`${TASKS_PATH}/${task.id}/callbacks`)
      .set(bearer(other))
      .expect(404);
    const firstReads = await Promise.all([
      defaultSecret(t.baseUrl, other),
      defaultSecret(t.baseUrl, other),
      defaultSecret(t.baseUrl, other),
    ]);
    expect(new Set(firstReads).size).toBe(1);
    expect(firstReads[0]).not.toBe(await defaultSecret(t.baseUrl, key));
    expect(await defaultSecret(t.baseUrl, other)).toBe(firstReads[0]);
    const [stored] = await t.database.query<{ n: string }>(
      `SELECT count(*) AS n FROM webhook_callback_secrets WHERE tenant = 'callbacks-other'`,
    );
    expect(Number(stored?.n)).toBe(1);
  });
});

describe("a task's callbackUrl to a private address", () => {
  let t: TestApp;
  let hooks: WebhookReceiver;

  beforeAll(async () => {
    t = await startTestApp();
    hooks = await new WebhookReceiver().listen();
  });
  afterAll(async () => {
    await hooks.close();
    await t.close();
  });

  it('is refused once, recorded, and not retried, unless WEBHOOKS_ALLOW_PRIVATE', async () => {
    const key = await createUserKey(t.baseUrl, 'callbacks-ssrf');
    const task = await createTask(t.baseUrl, key, {
      type: 'echo',
      payload: {},
      callbackUrl: hooks.url(),
    });
    await waitForTask(t.baseUrl, key, task.id);
    const attempts = await waitFor('the refusal', async () => {
      const list = await callbacks(t.baseUrl, key, task.id);
      return list.length > 0 ? list : undefined;
    });
    expect(attempts).toHaveLength(1);
    expect(attempts[0]).toMatchObject({ outcome: 'refused', statusCode: null, attempt: 1 });
    expect(attempts[0]?.error).toMatch(/private, loopback or link-local/);
    const jobs = await waitFor('the delivery job failed', async () => {
      const rows = await t.database.query<{ status: string; attempts: number }>(
        `SELECT status, attempts FROM jobs WHERE type = 'taskyard.webhooks.deliver'
           AND payload->>'taskId' = $1`,
        [task.id],
      );
      return rows.every((row) => row.status === 'failed') ? rows : undefined;
    });
    expect(jobs.map((j) => [j.status, j.attempts])).toEqual([['failed', 1]]);
    expect(hooks.received).toHaveLength(0);
  });
});
