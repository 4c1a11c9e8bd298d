import { Taskyard, TaskyardError } from '../../src/client/index.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { createUserKey, TEST_ADMIN_KEY } from '../support/auth.js';
import { waitFor } from '../support/wait.js';
import { verifySignature, WebhookReceiver } from '../support/webhook-receiver.js';

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => new Error('it did not reject'),
    (error: unknown) => error,
  );
}

describe('the client SDK: webhook endpoints, deliveries and destinations', () => {
  let t: TestApp;
  let client: Taskyard;
  let other: Taskyard;
  let admin: Taskyard;
  let hooks: WebhookReceiver;

  beforeAll(async () => {
    t = await startTestApp({ env: { WEBHOOKS_ALLOW_PRIVATE: 'true' } });
    client = new Taskyard({ url: t.baseUrl, key: await createUserKey(t.baseUrl, 'sdk-hooks') });
    other = new Taskyard({ url: t.baseUrl, key: await createUserKey(t.baseUrl, 'sdk-hooks-2') });
    admin = new Taskyard({ url: t.baseUrl, key: TEST_ADMIN_KEY });
    hooks = await new WebhookReceiver().listen();
  });
  afterAll(async () => {
    await hooks.close();
    await t.close();
  });

  it('registers an endpoint whose secret signs the deliveries it then lists', async () => {
    const endpoint = await client.createWebhook({ url: hooks.url(), events: ['task.succeeded'] });
    expect(endpoint).toMatchObject({
      tenant: 'sdk-hooks',
      url: hooks.url(),
      events: ['task.succeeded'],
      secret: expect.stringMatching(/^whsec_/),
    });
    const task = await client.createTask({ type: 'echo', payload: { n: 1 } });
    await waitFor('the delivery', () => hooks.received.length >= 1);
    const [received] = hooks.received;
    expect(received?.json.data.task.id).toBe(task.id);
    expect(verifySignature(endpoint.secret, received)).toBe(true);
    const deliveries = await waitFor('the delivery recorded', async () => {
      const list = await client.webhookDeliveries(endpoint.id);
      return list.length > 0 ? list : undefined;
    });
    expect(deliveries).toEqual([
      expect.objectContaining({
        messageId: received?.headers['webhook-id'],
        eventType: 'task.succeeded',
        attempt: 1,
        outcome: 'delivered',
        statusCode: 200,
        error: null,
      }),
    ]);
  });

  it("sends a task's callbackUrl its terminal event, signed with callbackSecret(), and lists it", async () => {
    const own = await new WebhookReceiver().listen();
    try {
      const task = await client.createTask({ type: 'echo', payload: {}, callbackUrl: own.url() });
      expect(task.callbackUrl).toBe(own.url());
      await waitFor('the callback', () => own.received.length >= 1);
      const secret = await client.callbackSecret();
      expect(secret).not.toBe(await other.callbackSecret());
      expect(verifySignature(secret, own.received[0])).toBe(true);
      const attempts = await waitFor('the attempt recorded', async () => {
        const list = await client.taskCallbacks(task.id);
        return list.length > 0 ? list : undefined;
      });
      expect(attempts).toEqual([
        expect.objectContaining({ eventType: 'task.succeeded', outcome: 'delivered' }),
      ]);
      expect(await rejection(other.taskCallbacks(task.id))).toMatchObject({ status: 404 });
      const submitted = await client.submitFile(Buffer.from('a few words'), {
        type: 'text.analyze',
        mediaType: 'text/plain',
        callbackUrl: 'https://example.com/hooks/file',
      });
      expect(submitted.callbackUrl).toBe('https://example.com/hooks/file');
    } finally {
      await own.close();
    }
  });

  it('keeps a given secret, reads, changes and deletes an endpoint of its tenant only', async () => {
    const secret = `whsec_${Buffer.alloc(24, 3).toString('base64')}`;
    const made = await client.createWebhook({
      url: 'https://example.com/hook',
      events: ['task.failed'],
      secret,
    });
    expect(made.secret).toBe(secret);
    expect(await client.getWebhook(made.id)).not.toHaveProperty('secret');
    expect((await client.listWebhooks()).map((w) => w.id)).toContain(made.id);
    expect((await other.listWebhooks()).map((w) => w.id)).not.toContain(made.id);
    expect(await rejection(other.getWebhook(made.id))).toMatchObject({ status: 404 });

    const changed = await client.updateWebhook(made.id, { events: ['task.created'] });
    expect(changed).toMatchObject({ url: 'https://example.com/hook', events: ['task.created'] });
    expect(await client.getWebhook(made.id)).toEqual(changed);

    await client.deleteWebhook(made.id);
    expect(await rejection(client.getWebhook(made.id))).toMatchObject({ status: 404 });
    expect(await rejection(client.deleteWebhook(made.id))).toMatchObject({ status: 404 });
  });

  it('throws the field errors of a refused endpoint', async () => {
    const error = await rejection(client.createWebhook({ url: 'ftp://example.com/', events: [] }));
    expect(error).toBeInstanceOf(TaskyardError);
    expect(error).toMatchObject({ status: 422 });
    expect((error as TaskyardError).errors?.map((e) => e.field).sort()).toEqual(['events', 'url']);
  });

  it('lists the destination delivered to above with an admin key only', async () => {
    const destinations = await admin.webhookDestinations();
    expect(destinations).toContainEqual({
      destination: `127.0.0.1:${hooks.port}`,
      state: 'closed',
      halfOpenAt: null,
    });
    expect(await rejection(client.webhookDestinations())).toMatchObject({ status: 404 });
  });
});
