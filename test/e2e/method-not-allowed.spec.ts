import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { startTestApp, type TestApp } from '../support/app.js';
import { ADMIN } from '../support/auth.js';

const PROBLEM_JSON = /^application\/problem\+json/;
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
type Method = (typeof METHODS)[number];

function send(baseUrl: string, method: Method, path: string): request.Test {
  const agent = request(baseUrl);
  const verbs = {
    GET: agent.get.bind(agent),
    POST: agent.post.bind(agent),
    PUT: agent.put.bind(agent),
    PATCH: agent.patch.bind(agent),
    DELETE: agent.delete.bind(agent),
  };
  return verbs[method](path);
}

describe('405 method not allowed', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await startTestApp({ env: { ROLE: 'api' } });
  });
  afterAll(() => testApp.close());

  it.each([
    ['DELETE', '/api/v1/tasks', 'GET, HEAD, POST'],
    ['PUT', '/health/live', 'GET, HEAD'],
    ['PATCH', `/api/v1/tasks/${randomUUID()}`, 'DELETE, GET, HEAD'],
    ['GET', `/api/v1/tasks/${randomUUID()}/cancel`, 'POST'],
    ['POST', '/api/v1/admin/keys/some-id', 'DELETE'],
  ] as [Method, string, string][])(
    'answers %s %s with 405 and Allow: %s, without a key',
    async (method, path, allow) => {
      const response = await send(testApp.baseUrl, method, path)
        .expect(405)
        .expect('Content-Type', PROBLEM_JSON);
      expect(response.headers.allow).toBe(allow);
      expect(response.body).toMatchObject({
        type: 'urn:taskyard:problem:method-not-allowed',
        status: 405,
        instance: path,
        detail: `${method} is not allowed on ${path}; allowed: ${allow}.`,
      });
      expect(typeof response.body.requestId).toBe('string');
    },
  );

  it('keeps 404 for a path no route has, whatever the method', async () => {
    for (const method of METHODS) {
      for (const path of ['/nowhere', '/api/v1/nowhere', '/api/v1/tasks/a/b/c/d']) {
        const response = await send(testApp.baseUrl, method, path).expect(404);
        expect(response.headers.allow).toBeUndefined();
        expect(response.body.type).toBe('urn:taskyard:problem:not-found');
      }
    }
  });

  it('keeps the 404 of a route that found nothing', async () => {
    const response = await request(testApp.baseUrl)
      .get(`/api/v1/tasks/${randomUUID()}`)
      .set(ADMIN)
      .expect(404);
    expect(response.body.detail).toMatch(/^There is no task with id/);
  });

  it('allows on every documented path exactly the methods the OpenAPI document lists', async () => {
    const document = (await request(testApp.baseUrl).get('/docs-json').expect(200)).body as {
      paths: Record<string, Record<string, unknown>>;
    };
    expect(Object.keys(document.paths).length).toBeGreaterThan(10);
    for (const [template, operations] of Object.entries(document.paths)) {
      const path = template.replace(/\{[^}]+\}/g, () => randomUUID());
      const documented = Object.keys(operations).map((m) => m.toUpperCase());
      const expected = [...documented, ...(documented.includes('GET') ? ['HEAD'] : [])].sort();
      for (const method of METHODS.filter((m) => !documented.includes(m))) {
        const response = await send(testApp.baseUrl, method, path);
        expect([method, template, response.status, response.headers.allow]).toEqual([
          method,
          template,
          405,
          expected.join(', '),
        ]);
      }
    }
  });
});
