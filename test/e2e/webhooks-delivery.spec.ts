import request from 'supertest';
import { ADMIN, bearer, createUserKey } from '../support/auth.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { createTask, waitForTask } from '../support/tasks.js';
import { waitFor } from '../support/wait.js';
import { verifySignature, WebhookReceiver } from '../support/webhook-receiver.js';

interface Delivery {
  messageId: string;
  attempt: number;
  outcome: string;
  statusCode: number | null;
  error: string | null;
}

/**
 * A started app that delivers to loopback receivers with short backoffs and a breaker opening
 * after two failures, a user key of tenant `deliveries`, and receivers closed after the tests.
 */
function useDeliveryApp(maxAttempts: number) {
  const receivers: WebhookReceiver[] = [];
  const app = {
    t: undefined as unknown as TestApp,
    key: '',
    receiver: async (host?: string, port?: number) => {
      const made = new WebhookReceiver();
      receivers.push(made);
      return made.listen(host, port);
    },
    register: async (url: string, events: string[]) => {
      const made = await request(app.t.baseUrl)
        .post('/api/v1/webhooks')
        .set(bearer(app.key))
        .send({ url, events })
        .expect(201);
      return made.body as { id: string; secret: string };
    },
    deliveries: async (id: string) =>
      (
        await request(app.t.baseUrl)
          .get(`/api/v1/webhooks/${id}/deliveries`)
          .set(bearer(app.key))
          .expect(200)
      ).body as Delivery[],
  };

  beforeAll(async () => {
    app.t = await startTestApp({
      env: {
        WEBHOOKS_ALLOW_PRIVATE: 'true',
        WEBHOOKS_TIMEOUT_MS: '2000',
        WEBHOOKS_MAX_ATTEMPTS: String(maxAttempts),
        JOBS_BACKOFF_BASE_MS: '100',
        JOBS_BACKOFF_MAX_MS: '200',
        WEBHOOKS_BREAKER_FAILURES: '2',
        WEBHOOKS_BREAKER_HALF_OPEN_MS: '1500',
      },
    });
    app.key = await createUserKey(app.t.baseUrl, 'deliveries');
  });
  afterAll(async () => {
    await Promise.all(receivers.map((r) => r.close()));
    await app.t.close();
  });
  return app;
}

describe('webhook deliveries', () => {
  const app = useDeliveryApp(4);
  const { receiver, register, deliveries } = app;

  it('posts exactly the subscribed events of a task, signed as Standard Webhooks says', async () => {
    const hooks = await receiver();
    const endpoint = await register(hooks.url(), ['task.started', 'task.succeeded']);
    const task = await createTask(app.t.baseUrl, app.key, { type: 'echo', payload: { n: 1 } });
    await waitForTask(app.t.baseUrl, app.key, task.id);
    await waitFor('two deliveries', () => hooks.received.length >= 2);
    // Time for a wrongly sent third (created) to arrive.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(hooks.received.map((r) => r.json.type).sort()).toEqual([
      'task.started',
      'task.succeeded',
    ]);
    for (const received of hooks.received) {
      expect(verifySignature(endpoint.secret, received)).toBe(true);
      expect(verifySignature(`whsec_${Buffer.alloc(32).toString('base64')}`, received)).toBe(false);
      expect(received.headers['content-type']).toBe('application/json');
      expect(Number(received.headers['webhook-timestamp'])).toBeGreaterThan(Date.now() / 1000 - 60);
      expect(received.json.data.task.id).toBe(task.id);
    }
    const succeeded = hooks.received.find((r) => r.json.type === 'task.succeeded');
    expect(succeeded?.json.data).toMatchObject({
      task: { id: task.id, status: 'succeeded', result: { n: 1 } },
      event: { taskId: task.id, kind: 'succeeded' },
    });
    const ids = new Set(hooks.received.map((r) => r.headers['webhook-id']));
    expect(ids.size).toBe(2);
    const recorded = await deliveries(endpoint.id);
    expect(recorded).toHaveLength(2);
    expect(recorded.every((d) => d.outcome === 'delivered' && d.statusCode === 200)).toBe(true);
  });

  it('retries a 500 and delivers the event with the same webhook-id', async () => {
    const hooks = await receiver();
    hooks.answer = (n) => (n === 1 ? 500 : 200);
    const endpoint = await register(hooks.url(), ['task.succeeded']);
    const task = await createTask(app.t.baseUrl, app.key, { type: 'echo', payload: {} });
    await waitFor('a retried delivery', () => hooks.received.length >= 2);
    const [first, second] = hooks.received;
    if (!second) throw new Error('no second delivery');
    expect(first?.headers['webhook-id']).toBe(second?.headers['webhook-id']);
    expect(second?.json.data.task.id).toBe(task.id);
    expect(verifySignature(endpoint.secret, second)).toBe(true);
    const recorded = await waitFor('two attempts recorded', async () => {
      const list = await deliveries(endpoint.id);
      return list.length === 2 ? list : undefined;
    });
    expect(recorded.map((d) => [d.attempt, d.outcome, d.statusCode])).toEqual([
      [2, 'delivered', 200],
      [1, 'failed', 500],
    ]);
    expect(recorded[1]?.error).toBe('HTTP 500');
  });

  it('gives up after WEBHOOKS_MAX_ATTEMPTS, each attempt recorded', async () => {
    const hooks = await receiver();
    hooks.answer = () => 503;
    const endpoint = await register(hooks.url(), ['task.succeeded']);
    await createTask(app.t.baseUrl, app.key, { type: 'echo', payload: {} });
    await waitFor('four attempts', async () => (await deliveries(endpoint.id)).length === 4);
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(hooks.received).toHaveLength(4);
    expect((await deliveries(endpoint.id)).map((d) => d.attempt)).toEqual([4, 3, 2, 1]);
  });

  it('records a closed port as a failed attempt without a status', async () => {
    const hooks = await receiver();
    const url = hooks.url();
    await hooks.close();
    const endpoint = await register(url, ['task.succeeded']);
    await createTask(app.t.baseUrl, app.key, { type: 'echo', payload: {} });
    const [first] = await waitFor('an attempt', async () => {
      const list = await deliveries(endpoint.id);
      return list.length > 0 ? list : undefined;
    });
    expect(first).toMatchObject({ outcome: 'failed', statusCode: null });
    expect(first?.error).toMatch(/ECONNREFUSED/);
  });
});

/**
 * Its own app: enough attempts that the half-open probes to the dead destination (each a real
 * attempt) cannot use up a delivery's attempts however slowly the machine runs the test.
 */
describe('webhook deliveries to a dead destination', () => {
  const app = useDeliveryApp(100);
  const { receiver, register, deliveries } = app;

  it('opens the breaker of a dead destination while a healthy one keeps its pace, then resumes', async () => {
    const dead = await receiver();
    const port = dead.port;
    await dead.close();
    const healthy = await receiver('127.0.0.2');
    const deadDestination = `127.0.0.1:${port}`;
    const deadEndpoint = await register(`http://${deadDestination}/hook`, ['task.succeeded']);
    await register(healthy.url('127.0.0.2'), ['task.succeeded']);
    const breakerState = async () => {
      const text = (await request(app.t.baseUrl).get('/metrics').set(ADMIN).expect(200)).text;
      const line = text
        .split('\n')
        .find((l) =>
          l.startsWith(
            `taskyard_webhook_destination_breaker_state{destination="${deadDestination}"}`,
          ),
        );
      return line === undefined ? undefined : Number(line.split(' ').pop());
    };
    const tasks: string[] = [];
    for (let i = 0; i < 4; i++) {
      const task = await createTask(app.t.baseUrl, app.key, { type: 'echo', payload: { i } });
      tasks.push(task.id);
      await waitForTask(app.t.baseUrl, app.key, task.id);
      // The healthy destination's delivery comes promptly, whatever the dead one does.
      await waitFor(`healthy delivery ${i + 1}`, () => healthy.received.length >= i + 1, 15_000);
    }
    await waitFor('the dead destination open', async () => (await breakerState()) === 2, 20_000);
    const destinations = (
      await request(app.t.baseUrl).get('/api/v1/admin/webhooks/destinations').set(ADMIN).expect(200)
    ).body as { destination: string; state: string; halfOpenAt: string | null }[];
    expect(destinations.find((d) => d.destination === deadDestination)).toMatchObject({
      state: 'open',
      halfOpenAt: expect.any(String),
    });
    // Postponed, not failed: the dead endpoint's jobs are all still queued or running.
    const jobs = await app.t.database.query<{ status: string; attempts: number }>(
      `SELECT status, attempts FROM jobs WHERE type = 'taskyard.webhooks.deliver'
         AND payload->>'endpointId' = $1`,
      [deadEndpoint.id],
    );
    expect(jobs).toHaveLength(4);
    expect(jobs.every((j) => j.status !== 'failed')).toBe(true);
    expect((await deliveries(deadEndpoint.id)).length).toBeLessThan(4);

    const revived = await receiver('127.0.0.1', port);
    await waitFor(
      'the four events after the breaker closes',
      () => revived.received.length >= 4,
      30_000,
    );
    expect(new Set(revived.received.map((r) => r.json.data.task.id))).toEqual(new Set(tasks));
    expect(await breakerState()).toBe(0);
  });
});

describe('webhook destinations', () => {
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

  it('refuses a loopback address unless WEBHOOKS_ALLOW_PRIVATE, once, without retrying', async () => {
    const key = await createUserKey(t.baseUrl, 'ssrf');
    for (const host of ['127.0.0.1', 'localhost', '[::ffff:127.0.0.1]']) {
      const made = await request(t.baseUrl)
        .post('/api/v1/webhooks')
        .set(bearer(key))
        .send({ url: `http://${host}:${hooks.port}/hook`, events: ['task.succeeded'] })
        .expect(201);
      const task = await createTask(t.baseUrl, key, { type: 'echo', payload: {} });
      await waitForTask(t.baseUrl, key, task.id);
      const recorded = await waitFor(`the refusal of ${host}`, async () => {
        const list = (
          await request(t.baseUrl)
            .get(`/api/v1/webhooks/${made.body.id}/deliveries`)
            .set(bearer(key))
        ).body as Delivery[];
        return list.length > 0 ? list : undefined;
      });
      expect(recorded).toHaveLength(1);
      expect(recorded[0]).toMatchObject({ outcome: 'refused', statusCode: null, attempt: 1 });
      expect(recorded[0]?.error).toMatch(/private, loopback or link-local/);
      await request(t.baseUrl)
        .delete(`/api/v1/webhooks/${made.body.id}`)
        .set(bearer(key))
        .expect(204);
    }
    const jobs = await t.database.query<{ status: string; attempts: number }>(
      `SELECT status, attempts FROM jobs WHERE type = 'taskyard.webhooks.deliver'`,
    );
    expect(jobs.map((j) => [j.status, j.attempts])).toEqual([
      ['failed', 1],
      ['failed', 1],
      ['failed', 1],
    ]);
    expect(hooks.received).toHaveLength(0);
  });
});
