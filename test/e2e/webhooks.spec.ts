import request from 'supertest';
import { ADMIN, bearer, createUserKey } from '../support/auth.js';
import { startTestApp, type TestApp } from '../support/app.js';

const SECRET_FORMAT = /^whsec_[A-Za-z0-9+/]+={0,2}$/;

describe('webhook endpoints', () => {
  let t: TestApp;
  let alice: string;
  let bob: string;

  const api = () => request(t.baseUrl);
  const create = (key: string, body: object) =>
    api().post('/api/v1/webhooks').set(bearer(key)).send(body);

  beforeAll(async () => {
    t = await startTestApp();
    alice = await createUserKey(t.baseUrl, 'hooks-alice');
    bob = await createUserKey(t.baseUrl, 'hooks-bob');
  });
  afterAll(() => t.close());

  it('creates an endpoint with its secret shown once, in the Standard Webhooks format', async () => {
    const made = await create(alice, {
      url: 'https://example.com/hook',
      events: ['task.succeeded', 'task.failed'],
    }).expect(201);
    expect(made.body).toMatchObject({
      tenant: 'hooks-alice',
      url: 'https://example.com/hook',
      events: ['task.succeeded', 'task.failed'],
    });
    expect(made.body.secret).toMatch(SECRET_FORMAT);
    expect(Buffer.from(made.body.secret.slice(6), 'base64')).toHaveLength(32);
    const read = await api().get(`/api/v1/webhooks/${made.body.id}`).set(bearer(alice)).expect(200);
    expect(read.body).not.toHaveProperty('secret');
    const list = await api().get('/api/v1/webhooks').set(bearer(alice)).expect(200);
    expect(list.body.map((w: { id: string }) => w.id)).toContain(made.body.id);
    expect(list.body.every((w: object) => !('secret' in w))).toBe(true);
  });

  it('keeps a secret given by the caller', async () => {
    const secret = `whsec_${Buffer.alloc(24, 7).toString('base64')}`;
    const made = await create(alice, {
      url: 'http://hooks.internal/x',
      events: ['task.cancelled'],
      secret,
    });
    expect(made.status).toBe(201);
    expect(made.body.secret).toBe(secret);
    const [row] = await t.database.query<{ secret: string }>(
      `SELECT secret FROM webhook_endpoints WHERE id = $1`,
      [made.body.id],
    );
    expect(row?.secret).toBe(secret);
  });

  it('changes url and events with PATCH, and deletes', async () => {
    const { body } = await create(alice, { url: 'https://a.example/1', events: ['task.failed'] });
    const patched = await api()
      .patch(`/api/v1/webhooks/${body.id}`)
      .set(bearer(alice))
      .send({ events: ['task.created', 'task.succeeded'] })
      .expect(200);
    expect(patched.body).toMatchObject({
      url: 'https://a.example/1',
      events: ['task.created', 'task.succeeded'],
    });
    await api().delete(`/api/v1/webhooks/${body.id}`).set(bearer(alice)).expect(204);
    await api().get(`/api/v1/webhooks/${body.id}`).set(bearer(alice)).expect(404);
  });

  it.each([
    ['no events', { url: 'https://example.com/', events: [] }, 'events'],
    ['an unknown event', { url: 'https://example.com/', events: ['task.exploded'] }, 'events'],
    ['a bare kind', { url: 'https://example.com/', events: ['succeeded'] }, 'events'],
    ['not a URL', { url: 'not a url', events: ['task.failed'] }, 'url'],
    ['another scheme', { url: 'ftp://example.com/', events: ['task.failed'] }, 'url'],
    [
      'a bad secret',
      { url: 'https://example.com/', events: ['task.failed'], secret: 'abc' },
      'secret',
    ],
    ['an unknown field', { url: 'https://example.com/', events: ['task.failed'], x: 1 }, 'x'],
  ])('refuses %s with 422', async (_, body, field) => {
    const refused = await create(alice, body).expect(422);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(refused.body.errors.map((e: { field: string }) => e.field)).toContain(field);
  });

  it('refuses a bad PATCH body with 422, and changes nothing', async () => {
    const { body } = await create(alice, { url: 'https://a.example/2', events: ['task.failed'] });
    await api()
      .patch(`/api/v1/webhooks/${body.id}`)
      .set(bearer(alice))
      .send({ events: ['nope'] })
      .expect(422);
    const read = await api().get(`/api/v1/webhooks/${body.id}`).set(bearer(alice)).expect(200);
    expect(read.body.events).toEqual(['task.failed']);
  });

  it("keeps tenants apart: another tenant's endpoint is 404 for every route", async () => {
    const { body } = await create(alice, { url: 'https://a.example/3', events: ['task.failed'] });
    const path = `/api/v1/webhooks/${body.id}`;
    await api().get(path).set(bearer(bob)).expect(404);
    await api().patch(path).set(bearer(bob)).send({ url: 'https://evil.example/' }).expect(404);
    await api().delete(path).set(bearer(bob)).expect(404);
    await api().get(`${path}/deliveries`).set(bearer(bob)).expect(404);
    const list = await api().get('/api/v1/webhooks').set(bearer(bob)).expect(200);
    expect(list.body).toEqual([]);
    const still = await api().get(path).set(bearer(alice)).expect(200);
    expect(still.body.url).toBe('https://a.example/3');
    // An admin sees every tenant's.
    await api().get(path).set(ADMIN).expect(200);
  });

  it('answers 404 for an id that is not a UUID, and lists no deliveries before any', async () => {
    await api().get('/api/v1/webhooks/nope').set(bearer(alice)).expect(404);
    const { body } = await create(alice, { url: 'https://a.example/4', events: ['task.failed'] });
    const deliveries = await api()
      .get(`/api/v1/webhooks/${body.id}/deliveries`)
      .set(bearer(alice))
      .expect(200);
    expect(deliveries.body).toEqual([]);
  });
});
