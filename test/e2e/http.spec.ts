import request from 'supertest';
import { startTestApp, type TestApp } from '../support/app.js';
import { ProbeModule } from '../support/probe.module.js';

const PROBLEM_JSON = /^application\/problem\+json/;

describe('HTTP conventions', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await startTestApp({ apiModules: [ProbeModule] });
  });
  afterAll(() => testApp.close());

  const http = () => request(testApp.baseUrl);

  it('answers an unknown route with a 404 problem', async () => {
    for (const path of ['/nowhere', '/api/v1/nowhere']) {
      const response = await http().get(path).expect(404).expect('Content-Type', PROBLEM_JSON);
      expect(response.body).toMatchObject({
        type: 'urn:taskyard:problem:not-found',
        title: 'Not Found',
        status: 404,
        detail: `Cannot GET ${path}`,
        instance: path,
      });
    }
  });

  it('answers a malformed JSON body with a 400 problem', async () => {
    const response = await http()
      .post('/api/v1/probe')
      .set('Content-Type', 'application/json')
      .send('{"name": ')
      .expect(400)
      .expect('Content-Type', PROBLEM_JSON);
    expect(response.body.type).toBe('urn:taskyard:problem:malformed-body');
    expect(response.body.detail).toMatch(/^The request body is not valid JSON/);
  });

  it('answers invalid fields with a 422 problem listing each field', async () => {
    const response = await http()
      .post('/api/v1/probe')
      .send({ name: 'ab', limits: { retries: 50 }, extra: true })
      .expect(422)
      .expect('Content-Type', PROBLEM_JSON);
    expect(response.body).toMatchObject({
      type: 'urn:taskyard:problem:validation-failed',
      status: 422,
      instance: '/api/v1/probe',
    });
    const fields = (response.body.errors as { field: string; messages: string[] }[]).map(
      (e) => e.field,
    );
    expect(fields.sort()).toEqual(['extra', 'limits.retries', 'name']);
  });

  it('passes a valid body through, converted to its declared types', async () => {
    const response = await http()
      .post('/api/v1/probe')
      .send({ name: 'abc', limits: { retries: 3 } })
      .expect(201);
    expect(response.body).toEqual({ name: 'abc', limits: { retries: 3 } });
  });

  it('answers an unexpected error with a 500 problem that leaks nothing', async () => {
    const response = await http()
      .get('/api/v1/probe/crash')
      .expect(500)
      .expect('Content-Type', PROBLEM_JSON);
    expect(response.body.type).toBe('urn:taskyard:problem:internal-error');
    const text = JSON.stringify(response.body);
    expect(text).not.toMatch(/s3cret|exploded|stack|at .*\.ts/);
  });

  it('echoes a sane X-Request-Id and puts it in problems', async () => {
    const response = await http().get('/nowhere').set('X-Request-Id', 'client-42.a:b').expect(404);
    expect(response.headers['x-request-id']).toBe('client-42.a:b');
    expect(response.body.requestId).toBe('client-42.a:b');
  });

  it('replaces a missing or unsafe X-Request-Id with a generated one', async () => {
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
    const generated = await http().get('/health/live').expect(200);
    expect(generated.headers['x-request-id']).toMatch(uuid);
    const unsafe = await http().get('/health/live').set('X-Request-Id', 'x'.repeat(129));
    expect(unsafe.headers['x-request-id']).toMatch(uuid);
    const spaced = await http().get('/health/live').set('X-Request-Id', 'has spaces "quotes"');
    expect(spaced.headers['x-request-id']).toMatch(uuid);
  });

  it('gives a request id even when the body cannot be parsed', async () => {
    const response = await http()
      .post('/api/v1/probe')
      .set('Content-Type', 'application/json')
      .set('X-Request-Id', 'parse-fail-1')
      .send('{')
      .expect(400);
    expect(response.headers['x-request-id']).toBe('parse-fail-1');
  });

  it('serves the OpenAPI document and its UI', async () => {
    const document = await http().get('/docs-json').expect(200);
    expect(document.body.openapi).toMatch(/^3\./);
    expect(Object.keys(document.body.paths)).toEqual(
      expect.arrayContaining(['/health/ready', '/api/v1/probe']),
    );
    const ui = await http().get('/docs').expect(200);
    expect(ui.text).toContain('swagger-ui');
  });
});
