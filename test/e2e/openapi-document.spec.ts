import { randomUUID } from 'node:crypto';
import type { Express } from 'express';
import request from 'supertest';
import { startTestApp, type TestApp } from '../support/app.js';
import { ADMIN, bearer, createUserKey } from '../support/auth.js';
import {
  type OpenApiDocument,
  type OperationObject,
  responseSchema,
  schemaErrors,
} from '../support/openapi.js';
import { PROBLEM_JSON, TASKS_PATH, waitForTask } from '../support/tasks.js';
import { upload } from '../support/uploads.js';

/** The client method name of every route: renaming one breaks generated clients. */
const OPERATIONS: Record<string, string> = {
  'GET /health/live': 'getLiveness',
  'GET /health/ready': 'getReadiness',
  'GET /health/queue': 'getQueueHealth',
  'GET /metrics': 'getMetrics',
  'POST /api/v1/tasks': 'createTask',
  'GET /api/v1/task-types': 'listTaskTypes',
  'GET /api/v1/tasks': 'listTasks',
  'GET /api/v1/tasks/{id}': 'getTask',
  'DELETE /api/v1/tasks/{id}': 'deleteTask',
  'GET /api/v1/tasks/{id}/events': 'listTaskEvents',
  'GET /api/v1/tasks/{id}/rows': 'listTaskRows',
  'POST /api/v1/tasks/{id}/cancel': 'cancelTask',
  'POST /api/v1/tasks/{id}/retry': 'retryTask',
  'GET /api/v1/tasks/{id}/artifacts/{name}': 'getTaskArtifact',
  'GET /api/v1/tasks/{id}/callbacks': 'listTaskCallbacks',
  'POST /api/v1/webhooks': 'createWebhook',
  'GET /api/v1/webhooks': 'listWebhooks',
  'GET /api/v1/webhooks/default/secret': 'getCallbackSecret',
  'GET /api/v1/webhooks/{id}': 'getWebhook',
  'PATCH /api/v1/webhooks/{id}': 'updateWebhook',
  'DELETE /api/v1/webhooks/{id}': 'deleteWebhook',
  'GET /api/v1/webhooks/{id}/deliveries': 'listWebhookDeliveries',
  'GET /api/v1/admin/webhooks/destinations': 'listWebhookDestinations',
  'POST /api/v1/files': 'uploadFile',
  'GET /api/v1/files/{id}': 'getFile',
  'DELETE /api/v1/files/{id}': 'deleteFile',
  'GET /api/v1/files/{id}/content': 'getFileContent',
  'POST /api/v1/admin/keys': 'createApiKey',
  'GET /api/v1/admin/keys': 'listApiKeys',
  'DELETE /api/v1/admin/keys/{id}': 'revokeApiKey',
  'GET /api/v1/admin/queues': 'listQueues',
  'POST /api/v1/admin/queues/{name}/pause': 'pauseQueue',
  'POST /api/v1/admin/queues/{name}/resume': 'resumeQueue',
  'GET /api/v1/admin/jobs/{id}': 'getJob',
  'POST /api/v1/admin/jobs/{id}/retry': 'retryJob',
  'POST /api/v1/admin/jobs/{id}/cancel': 'cancelJob',
  'GET /api/v1/admin/workers': 'listWorkers',
  'GET /api/v1/admin/tenants/{tenant}/limits': 'getTenantLimits',
  'PUT /api/v1/admin/tenants/{tenant}/limits': 'setTenantLimits',
  'DELETE /api/v1/admin/tenants/{tenant}': 'deleteTenant',
  'POST /api/v1/schedules': 'createSchedule',
  'GET /api/v1/schedules': 'listSchedules',
  'GET /api/v1/schedules/{id}': 'getSchedule',
  'POST /api/v1/schedules/{id}/pause': 'pauseSchedule',
  'POST /api/v1/schedules/{id}/resume': 'resumeSchedule',
  'DELETE /api/v1/schedules/{id}': 'deleteSchedule',
  'GET /api/v1/me': 'getMe',
  'GET /api/v1/admin/activity': 'getActivity',
  'GET /api/v1/admin/stuck': 'listStuckJobs',
  'GET /api/v1/admin/failures': 'listFailureGroups',
  'POST /api/v1/admin/failures/retry': 'retryFailures',
  'POST /api/v1/admin/failures/discard': 'discardFailures',
  'PUT /api/v1/workers/{name}': 'registerWorker',
  'POST /api/v1/workers/{name}/claims': 'claimTasks',
  'GET /api/v1/workers/{name}/tasks/{id}/input': 'getClaimedTaskInput',
  'POST /api/v1/tasks/{id}/heartbeat': 'heartbeatTask',
  'POST /api/v1/tasks/{id}/progress': 'reportTaskProgress',
  'POST /api/v1/tasks/{id}/partial': 'reportTaskPartial',
  'PUT /api/v1/tasks/{id}/artifacts/{name}': 'uploadTaskArtifact',
  'POST /api/v1/tasks/{id}/complete': 'completeTask',
  'POST /api/v1/tasks/{id}/fail': 'failTask',
};

interface RouterLayer {
  route?: { path: string; methods: Record<string, boolean | undefined> };
}

/** "METHOD /path/{param}" for every route Express serves, as Nest registered them. */
function registeredRoutes(app: Express): string[] {
  const layers = (app.router as unknown as { stack: RouterLayer[] }).stack;
  return layers.flatMap(({ route }) => {
    if (!route || route.path.startsWith('/docs')) return [];
    const template = route.path.replace(/:(\w+)/g, '{$1}');
    return Object.keys(route.methods)
      .filter((method) => method !== '_all')
      .map((method) => `${method.toUpperCase()} ${template}`);
  });
}

function operations(document: OpenApiDocument): [string, string, OperationObject][] {
  return Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]): [string, string, OperationObject] => [
      path,
      method,
      operation,
    ]),
  );
}

function headerNames(document: OpenApiDocument, path: string, method: string): string[] {
  return (document.paths[path]?.[method]?.parameters ?? [])
    .filter((p) => p.in === 'header')
    .map((p) => p.name);
}

describe('the OpenAPI document', () => {
  let testApp: TestApp;
  let document: OpenApiDocument;
  let userKey: string;

  const http = () => request(testApp.baseUrl);
  /** Fails with the departures from the documented schema of (path, method, status). */
  const expectDocumented = (
    response: request.Response,
    path: string,
    method: string,
    mediaType = 'application/json',
  ): void => {
    const schema = responseSchema(document, path, method, String(response.status), mediaType);
    expect(schemaErrors(document, schema, response.body)).toEqual([]);
  };
  const documentedHeaders = (path: string, method: string, status: number): string[] =>
    Object.keys(document.paths[path]?.[method]?.responses[String(status)]?.headers ?? {});

  beforeAll(async () => {
    testApp = await startTestApp({ env: { CORS_ORIGINS: '*' } });
    document = (await http().get('/docs-json').expect(200)).body as OpenApiDocument;
    userKey = await createUserKey(testApp.baseUrl, 'openapi');
  });
  afterAll(() => testApp.close());

  it('lists exactly the routes the application serves, each with its client method name', () => {
    const express: Express = testApp.app.getHttpAdapter().getInstance();
    const documented = operations(document).map(
      ([path, method]) => `${method.toUpperCase()} ${path}`,
    );
    // The dashboard's page and files are for browsers, not API clients (src/dashboard).
    const pages = ['GET /', 'GET /dashboard', 'GET /dashboard/assets/{file}'];
    const routes = registeredRoutes(express);
    expect(routes).toEqual(expect.arrayContaining(pages));
    expect(documented.sort()).toEqual(routes.filter((route) => !pages.includes(route)).sort());
    const names = Object.fromEntries(
      operations(document).map(([path, method, op]) => [
        `${method.toUpperCase()} ${path}`,
        op.operationId,
      ]),
    );
    expect(names).toEqual(OPERATIONS);
  });

  it('describes the API key as an opaque bearer key, needed by every /api/v1 route', () => {
    const schemes = document.components?.securitySchemes ?? {};
    expect(Object.keys(schemes)).toEqual(['apiKey']);
    expect(schemes.apiKey).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(schemes.apiKey).not.toHaveProperty('bearerFormat');
    expect(schemes.apiKey?.description).toContain('`ty_`');
    for (const [path, method, operation] of operations(document)) {
      const where = `${method} ${path}`;
      if (path.startsWith('/api/v1/')) {
        expect([where, operation.security]).toEqual([where, [{ apiKey: [] }]]);
        expect([where, Object.keys(operation.responses)]).toEqual([
          where,
          expect.arrayContaining(['401', '429', '503']),
        ]);
      } else if (path.startsWith('/health/')) {
        expect([where, operation.security]).toEqual([where, undefined]);
      }
    }
    expect(document.paths['/metrics']?.get?.security).toEqual([{}, { apiKey: [] }]);
  });

  it('requires path parameters and nothing else', () => {
    for (const [path, method, operation] of operations(document)) {
      const parameters = operation.parameters ?? [];
      const inTemplate = [...path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]);
      const paths = parameters.filter((p) => p.in === 'path');
      expect([method, path, paths.map((p) => p.name).sort()]).toEqual([
        method,
        path,
        inTemplate.sort(),
      ]);
      for (const parameter of parameters) {
        const where = `${method} ${path} ${parameter.in} ${parameter.name}`;
        expect([where, parameter.required === true]).toEqual([where, parameter.in === 'path']);
      }
    }
    expect(headerNames(document, '/api/v1/tasks', 'post')).toEqual(['Idempotency-Key']);
    expect(headerNames(document, '/api/v1/tasks/{id}', 'get').sort()).toEqual([
      'If-None-Match',
      'Prefer',
    ]);
    expect(headerNames(document, '/api/v1/files/{id}/content', 'get').sort()).toEqual([
      'If-None-Match',
      'If-Range',
      'Range',
    ]);
  });

  it('gives every error the problem+json schema, with field errors for 422', () => {
    for (const [path, method, operation] of operations(document)) {
      for (const [status, response] of Object.entries(operation.responses)) {
        if (Number(status) < 400 || (path.startsWith('/health/') && status === '503')) continue;
        const problem = status === '422' ? 'ValidationProblem' : 'Problem';
        expect([method, path, status, response.content]).toEqual([
          method,
          path,
          status,
          { 'application/problem+json': { schema: { $ref: `#/components/schemas/${problem}` } } },
        ]);
      }
    }
  });

  it('lets a browser read every response header the document names', async () => {
    const named = new Set(
      operations(document).flatMap(([, , operation]) =>
        Object.values(operation.responses).flatMap((response) =>
          Object.keys(response.headers ?? {}).map((name) => name.toLowerCase()),
        ),
      ),
    );
    // Safelisted by CORS: readable without being exposed.
    named.delete('content-length');
    const response = await http().get('/health/live').set('Origin', 'https://example.com');
    const exposed = response.headers['access-control-expose-headers'].toLowerCase();
    expect([...named].filter((name) => !exposed.split(',').includes(name))).toEqual([]);
  });

  it('documents the idempotent replay: 202, then 200 with Idempotent-Replayed', async () => {
    const key = `replay-${randomUUID()}`;
    const send = () =>
      http()
        .post(TASKS_PATH)
        .set(bearer(userKey))
        .set('Idempotency-Key', key)
        .send({ type: 'echo', payload: { n: 1 } });
    const first = await send().expect(202);
    const again = await send().expect(200);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body.id).toBe(first.body.id);
    expectDocumented(first, '/api/v1/tasks', 'post');
    expectDocumented(again, '/api/v1/tasks', 'post');
    expect(documentedHeaders('/api/v1/tasks', 'post', 200)).toEqual(
      expect.arrayContaining(['Location', 'Idempotent-Replayed']),
    );
  });

  it('documents the answers of a task: 200 with its artifacts, 304 for its ETag', async () => {
    const created = await http()
      .post(TASKS_PATH)
      .set(bearer(userKey))
      .send({ type: 'echo', payload: { hello: 'world' } })
      .expect(202);
    const id = created.body.id as string;
    await waitForTask(testApp.baseUrl, userKey, id);
    const path = '/api/v1/tasks/{id}';
    const task = await http().get(`${TASKS_PATH}/${id}`).set(bearer(userKey)).expect(200);
    expectDocumented(task, path, 'get');
    const etag = task.headers.etag;
    expect(etag).toBe(`W/"${task.body.lastSeq}"`);
    await http()
      .get(`${TASKS_PATH}/${id}`)
      .set(bearer(userKey))
      .set('If-None-Match', etag)
      .set('Prefer', 'wait=1')
      .expect(304);
    expect(documentedHeaders(path, 'get', 304)).toEqual(['ETag']);
    const events = await http().get(`${TASKS_PATH}/${id}/events`).set(bearer(userKey)).expect(200);
    expectDocumented(events, '/api/v1/tasks/{id}/events', 'get');
    const page = await http().get(`${TASKS_PATH}?limit=1`).set(bearer(userKey)).expect(200);
    expectDocumented(page, '/api/v1/tasks', 'get');
  });

  it('documents a range download: 206 with Content-Range, 416 as a problem', async () => {
    const file = await upload(testApp.baseUrl, userKey, 'a,b\n1,2\n').expect(201);
    expectDocumented(file, '/api/v1/files', 'post');
    const path = '/api/v1/files/{id}/content';
    const content = `/api/v1/files/${file.body.id as string}/content`;
    const part = await http()
      .get(content)
      .set(bearer(userKey))
      .set('Range', 'bytes=0-2')
      .expect(206);
    expect(part.headers['content-range']).toBe('bytes 0-2/8');
    expect(documentedHeaders(path, 'get', 206)).toEqual(expect.arrayContaining(['Content-Range']));
    const outside = await http()
      .get(content)
      .set(bearer(userKey))
      .set('Range', 'bytes=100-200')
      .expect(416)
      .expect('Content-Type', PROBLEM_JSON);
    expect(outside.headers['content-range']).toBe('bytes */8');
    expectDocumented(outside, path, 'get', 'application/problem+json');
    expect(documentedHeaders(path, 'get', 416)).toEqual(['Content-Range']);
  });

  it('documents the errors as they are sent: 401, 404, 415 and 422', async () => {
    const noKey = await http().get(TASKS_PATH).expect(401);
    expect(noKey.headers['www-authenticate']).toBe('Bearer realm="taskyard"');
    expectDocumented(noKey, '/api/v1/tasks', 'get', 'application/problem+json');
    const missing = await http().get(`${TASKS_PATH}/${randomUUID()}`).set(bearer(userKey));
    expect(missing.status).toBe(404);
    expectDocumented(missing, '/api/v1/tasks/{id}', 'get', 'application/problem+json');
    const text = await http()
      .post(TASKS_PATH)
      .set(bearer(userKey))
      .set('Content-Type', 'text/plain')
      .send('echo')
      .expect(415);
    expectDocumented(text, '/api/v1/tasks', 'post', 'application/problem+json');
    const invalid = await http()
      .post(TASKS_PATH)
      .set(bearer(userKey))
      .send({ type: 'no-such-type' })
      .expect(422);
    expect(invalid.body.errors).toEqual([{ field: 'type', messages: [expect.any(String)] }]);
    expectDocumented(invalid, '/api/v1/tasks', 'post', 'application/problem+json');
  });

  it('answers resuming a queue that has no jobs with its summary, as documented', async () => {
    const queue = `empty-${randomUUID().slice(0, 8)}`;
    const path = '/api/v1/admin/queues/{name}/resume';
    const resumed = await http()
      .post(`/api/v1/admin/queues/${queue}/resume`)
      .set(ADMIN)
      .expect(200);
    expect(resumed.body).toMatchObject({ name: queue, paused: false, running: 0 });
    expectDocumented(resumed, path, 'post');
  });
});
