import { request as httpRequest } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import request from 'supertest';
import type { WorkerProcess } from '../../src/client/index.js';
import { Database } from '../../src/database/database.js';
import { reapExpired } from '../../src/jobs/sql/reap.sql.js';
import { RetentionHandler } from '../../src/worker/retention.handler.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { ADMIN, bearer, createUserKey } from '../support/auth.js';
import { blobStore } from '../support/uploads.js';
import {
  createTask,
  getTask,
  PROBLEM_JSON,
  type TaskBody,
  taskEvents,
  TASKS_PATH,
} from '../support/tasks.js';

const TYPE = 'image.resize';
const OPTIONS_SCHEMA = {
  type: 'object',
  properties: { width: { type: 'integer', minimum: 1 }, fit: { enum: ['cover', 'contain'] } },
  required: ['width'],
  additionalProperties: false,
};

const MAX_UPLOAD_BYTES = 256 * 1024;
const DEFAULT_TYPE = { type: TYPE, input: 'payload', options: OPTIONS_SCHEMA, concurrency: 5 };

interface Claimed {
  id: string;
  type: string;
  tenant: string;
  attempt: number;
  leaseToken: string;
  leaseExpiresAt: string;
  payload: unknown;
  options: Record<string, unknown>;
  input: unknown;
}

/** The remote worker protocol over real HTTP against a real database (docs/remote-workers.md). */
describe('remote workers', () => {
  let app: TestApp;
  let user: string;
  let worker: string;
  let otherWorker: string;

  const http = () => request(app.baseUrl);

  async function createKey(tenant: string, role: string): Promise<string> {
    const response = await http()
      .post('/api/v1/admin/keys')
      .set(ADMIN)
      .send({ tenant, name: `${role}-key`, role })
      .expect(201);
    return (response.body as { key: string }).key;
  }

  function register(key: string, name: string, types: object[] = [DEFAULT_TYPE]) {
    return http().put(`/api/v1/workers/${name}`).set(bearer(key)).send({ types });
  }

  async function claim(key: string, name: string, wait = 0): Promise<Claimed[]> {
    const call = http().post(`/api/v1/workers/${name}/claims`).set(bearer(key)).send({ max: 5 });
    if (wait > 0) void call.set('Prefer', `wait=${wait}`);
    const response = await call.expect(200);
    return (response.body as { tasks: Claimed[] }).tasks;
  }

  const report = (key: string, id: string, what: string, body: object) =>
    http().post(`${TASKS_PATH}/${id}/${what}`).set(bearer(key)).send(body);

  /** A task for the remote type, claimed by `name`: the one claim the worker gets. */
  async function claimedTask(name: string, options: object = { width: 10 }) {
    const task = await createTask(app.baseUrl, user, { type: TYPE, options, payload: { n: 1 } });
    const [claimed, ...more] = await claim(worker, name);
    expect(more).toEqual([]);
    expect(claimed?.id).toBe(task.id);
    return claimed;
  }

  beforeAll(async () => {
    app = await startTestApp({
      env: { JOBS_POLL_INTERVAL_MS: '100', MAX_UPLOAD_BYTES: String(MAX_UPLOAD_BYTES) },
    });
    user = await createUserKey(app.baseUrl, 'acme');
    worker = await createKey('acme', 'worker');
    otherWorker = await createKey('beta', 'worker');
    await register(worker, 'gpu-1').expect(200);
  });
  afterAll(() => app?.close());

  it('registers the types a worker serves, and lists them with the built-in ones', async () => {
    const response = await register(worker, 'gpu-1').expect(200);
    expect(response.body).toMatchObject({
      name: 'gpu-1',
      tenant: 'acme',
      types: [{ type: TYPE, input: 'payload', options: OPTIONS_SCHEMA, concurrency: 5 }],
    });
    const types = (await http().get('/api/v1/task-types').set(bearer(user)).expect(200)).body as {
      types: { type: string; input: string; options: object }[];
    };
    expect(types.types.find((t) => t.type === TYPE)).toEqual({
      type: TYPE,
      input: 'payload',
      mediaTypes: [],
      options: OPTIONS_SCHEMA,
    });
    expect(types.types.some((t) => t.type === 'echo')).toBe(true);
  });

  it('refuses a built-in type (409) and a schema ajv cannot compile (422)', async () => {
    const builtIn = await register(worker, 'gpu-2', [{ type: 'echo', input: 'payload' }]);
    expect(builtIn.status).toBe(409);
    expect(builtIn.headers['content-type']).toMatch(PROBLEM_JSON);
    expect(builtIn.body).toMatchObject({ type: 'urn:taskyard:problem:built-in-type' });
    const invalid = await register(worker, 'gpu-2', [
      { type: 'odd.type', input: 'payload', options: { type: 'no-such-type' } },
    ]);
    expect(invalid.status).toBe(422);
    expect(invalid.body.errors).toEqual([
      { field: 'types.0.options', messages: [expect.stringContaining('not a valid JSON Schema')] },
    ]);
  });

  it('checks the options of a new task against the registered schema: 422 with field errors', async () => {
    const response = await http()
      .post(TASKS_PATH)
      .set(bearer(user))
      .send({ type: TYPE, options: { width: 0, extra: true } })
      .expect(422);
    const fields = (response.body.errors as { field: string }[]).map((e) => e.field).sort();
    expect(fields).toEqual(['options.extra', 'options.width']);
    const missing = await http()
      .post(TASKS_PATH)
      .set(bearer(user))
      .send({ type: TYPE })
      .expect(422);
    expect(missing.body.errors).toEqual([
      { field: 'options.width', messages: [expect.any(String)] },
    ]);
  });

  it('serves a task created over REST: claim, complete, result and events on the task', async () => {
    const claimed = await claimedTask('gpu-1', { width: 10, fit: 'cover' });
    expect(claimed).toMatchObject({
      type: TYPE,
      tenant: 'acme',
      attempt: 1,
      payload: { n: 1 },
      options: { width: 10, fit: 'cover' },
      input: null,
    });
    expect(typeof claimed.leaseToken).toBe('string');
    expect(Date.parse(claimed.leaseExpiresAt)).toBeGreaterThan(Date.now());
    expect((await getTask(app.baseUrl, user, claimed.id)).status).toBe('running');

    await report(worker, claimed.id, 'progress', {
      leaseToken: claimed.leaseToken,
      percent: 50,
      message: 'half',
    }).expect(204);
    expect((await getTask(app.baseUrl, user, claimed.id)).progress).toEqual({
      percent: 50,
      message: 'half',
    });
    const done = await report(worker, claimed.id, 'complete', {
      leaseToken: claimed.leaseToken,
      result: { width: 10, bytes: 1234 },
    }).expect(200);
    expect(done.body).toMatchObject({ id: claimed.id, status: 'succeeded' });

    const task = await getTask(app.baseUrl, user, claimed.id);
    expect(task).toMatchObject({ status: 'succeeded', result: { width: 10, bytes: 1234 } });
    const kinds = (await taskEvents(app.baseUrl, user, claimed.id)).map((e) => e.kind);
    expect(kinds[0]).toBe('created');
    expect(kinds).toContain('started');
    expect(kinds.at(-1)).toBe('succeeded');
  });

  it('fails a task for good with retryable false, and queues it again while retryable', async () => {
    const first = await claimedTask('gpu-1');
    const retried = await report(worker, first.id, 'fail', {
      leaseToken: first.leaseToken,
      error: { message: 'GPU busy', code: 'Busy' },
    }).expect(200);
    expect(retried.body).toMatchObject({ status: 'queued' });
    const failed = await report(worker, first.id, 'fail', {
      leaseToken: first.leaseToken,
      error: { message: 'again' },
    });
    expect(failed.status).toBe(409);

    await app.database.query(`UPDATE jobs SET run_at = now() WHERE payload->>'taskId' = $1`, [
      first.id,
    ]);
    const [again] = await claim(worker, 'gpu-1');
    expect(again).toMatchObject({ id: first.id, attempt: 2 });
    const permanent = await http()
      .post(`${TASKS_PATH}/${first.id}/fail`)
      .set(bearer(worker))
      .set('Lease-Token', again?.leaseToken ?? '')
      .send({ error: { message: 'corrupt image' }, retryable: false })
      .expect(200);
    expect(permanent.body).toMatchObject({ status: 'failed', error: { detail: 'corrupt image' } });
  });

  it("refuses a zombie's late complete (409) after its lease was reclaimed; the newer result stands", async () => {
    await register(worker, 'gpu-b').expect(200);
    const zombie = await claimedTask('gpu-1');
    // Its lease runs out and the reaper hands the task back to the queue.
    await app.database.query(
      `UPDATE jobs SET lease_expires_at = now() - interval '1 second' WHERE payload->>'taskId' = $1`,
      [zombie.id],
    );
    await reapExpired(app.app.get(Database).pool);
    await app.database.query(`UPDATE jobs SET run_at = now() WHERE payload->>'taskId' = $1`, [
      zombie.id,
    ]);
    const [fresh] = await claim(worker, 'gpu-b');
    expect(fresh).toMatchObject({ id: zombie.id, attempt: 2 });
    expect(fresh?.leaseToken).not.toBe(zombie.leaseToken);

    const heartbeat = await report(worker, zombie.id, 'heartbeat', {
      leaseToken: zombie.leaseToken,
    });
    expect(heartbeat.status).toBe(409);
    await report(worker, zombie.id, 'complete', {
      leaseToken: fresh?.leaseToken,
      result: { by: 'b' },
    }).expect(200);
    const late = await report(worker, zombie.id, 'complete', {
      leaseToken: zombie.leaseToken,
      result: { by: 'zombie' },
    });
    expect(late.status).toBe(409);
    expect(late.headers['content-type']).toMatch(PROBLEM_JSON);
    expect(late.body).toMatchObject({ type: 'urn:taskyard:problem:lease-lost', status: 409 });
    expect(await getTask(app.baseUrl, user, zombie.id)).toMatchObject({
      status: 'succeeded',
      result: { by: 'b' },
    });
  });

  it('tells the worker of a cancel through its heartbeat', async () => {
    const claimed = await claimedTask('gpu-1');
    const before = await report(worker, claimed.id, 'heartbeat', {
      leaseToken: claimed.leaseToken,
    }).expect(200);
    expect(before.body).toMatchObject({ cancelRequested: false });
    expect(Date.parse(before.body.leaseExpiresAt as string)).toBeGreaterThan(Date.now());

    await http().post(`${TASKS_PATH}/${claimed.id}/cancel`).set(bearer(user)).expect(202);
    const after = await http()
      .post(`${TASKS_PATH}/${claimed.id}/heartbeat`)
      .set(bearer(worker))
      .set('Lease-Token', claimed.leaseToken)
      .send({})
      .expect(200);
    expect(after.body).toMatchObject({ cancelRequested: true });
    // The worker stops and fails the attempt: a cancelled task is not queued again.
    await report(worker, claimed.id, 'fail', {
      leaseToken: claimed.leaseToken,
      error: { message: 'cancelled' },
    }).expect(200);
    expect((await getTask(app.baseUrl, user, claimed.id)).status).toBe('cancelled');
  });

  it('answers a waiting claim when a task is created, before its wait ends', async () => {
    const started = Date.now();
    const waiting = claim(worker, 'gpu-1', 30);
    // The claim is waiting (nothing queued), then a task arrives.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const task = await createTask(app.baseUrl, user, { type: TYPE, options: { width: 3 } });
    const claimed = await waiting;
    expect(claimed.map((t) => t.id)).toEqual([task.id]);
    expect(Date.now() - started).toBeLessThan(30_000);
    await report(worker, task.id, 'complete', { leaseToken: claimed[0]?.leaseToken }).expect(200);

    const empty = await http()
      .post('/api/v1/workers/gpu-1/claims')
      .set(bearer(worker))
      .set('Prefer', 'wait=1')
      .send({})
      .expect(200);
    expect(empty.body).toEqual({ tasks: [] });
    expect(empty.headers['preference-applied']).toBe('wait=1');
  });

  it('claims nothing for a waiting claim whose client has gone: the task stays for the next claim', async () => {
    // A worker stopped while its long poll waited (seen in bench:remote: the tasks it would have
    // been sent sat running until their lease ran out).
    const abandoned = httpRequest(`${app.baseUrl}/api/v1/workers/gpu-1/claims`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${worker}`,
        'content-type': 'application/json',
        prefer: 'wait=20',
      },
    });
    abandoned.on('error', () => undefined);
    abandoned.end(JSON.stringify({ max: 5 }));
    await sleep(300);
    abandoned.destroy();
    await sleep(200);

    const task = await createTask(app.baseUrl, user, { type: TYPE, options: { width: 4 } });
    await sleep(500);
    const seen = await http().get(`${TASKS_PATH}/${task.id}`).set(bearer(user)).expect(200);
    expect(seen.body).toMatchObject({ status: 'queued', attempts: 0 });
    const [claimed, ...more] = await claim(worker, 'gpu-1');
    expect(more).toEqual([]);
    expect(claimed?.id).toBe(task.id);
    await report(worker, task.id, 'complete', { leaseToken: claimed?.leaseToken }).expect(200);
  });

  it("keeps tenants apart: another tenant's worker never claims nor reports a task", async () => {
    await register(otherWorker, 'gpu-1').expect(200);
    const task = await createTask(app.baseUrl, user, { type: TYPE, options: { width: 1 } });
    expect(await claim(otherWorker, 'gpu-1')).toEqual([]);
    const [claimed] = await claim(worker, 'gpu-1');
    expect(claimed?.id).toBe(task.id);
    for (const what of ['heartbeat', 'progress', 'complete']) {
      const response = await report(otherWorker, task.id, what, {
        leaseToken: claimed?.leaseToken,
      });
      expect(response.status).toBe(404);
    }
    await report(worker, task.id, 'complete', { leaseToken: claimed?.leaseToken }).expect(200);
    // A name registered by another tenant is not this tenant's worker.
    await http().post('/api/v1/workers/gpu-b/claims').set(bearer(otherWorker)).send({}).expect(404);
  });

  it('lets a worker key reach the worker routes only, and a user key none of them', async () => {
    for (const path of [
      '/api/v1/tasks',
      '/api/v1/task-types',
      '/api/v1/me',
      '/api/v1/admin/keys',
    ]) {
      const response = await http().get(path).set(bearer(worker));
      expect([path, response.status]).toEqual([path, 404]);
    }
    await http().post(TASKS_PATH).set(bearer(worker)).send({ type: TYPE }).expect(404);
    await register(user, 'gpu-1').expect(404);
    await http().post('/api/v1/workers/gpu-1/claims').set(bearer(user)).send({}).expect(404);
  });

  it('lists remote workers with the processes in GET /admin/workers, kind "remote"', async () => {
    const workers = (await http().get('/api/v1/admin/workers').set(ADMIN).expect(200))
      .body as (WorkerProcess & { tenant: string | null })[];
    const remote = workers.find((w) => w.id === 'remote:acme/gpu-1');
    expect(remote).toMatchObject({
      kind: 'remote',
      status: 'alive',
      role: 'remote',
      host: 'gpu-1',
      tenant: 'acme',
      concurrency: 5,
      types: [`task:${TYPE}`],
    });
    expect(workers.some((w) => w.kind === 'process')).toBe(true);
  });

  it('stores an artifact streamed by the worker', async () => {
    const claimed = await claimedTask('gpu-1');
    const stored = await http()
      .put(`${TASKS_PATH}/${claimed.id}/artifacts/out.txt`)
      .set(bearer(worker))
      .set('Lease-Token', claimed.leaseToken)
      .set('Content-Type', 'text/plain')
      .send('resized')
      .expect(201);
    expect(stored.body).toEqual({ name: 'out.txt', size: 7, mediaType: 'text/plain' });
    await report(worker, claimed.id, 'partial', {
      leaseToken: claimed.leaseToken,
      data: { rows: 1 },
    }).expect(204);
    await report(worker, claimed.id, 'complete', { leaseToken: claimed.leaseToken }).expect(200);
    const task: TaskBody = await getTask(app.baseUrl, user, claimed.id);
    expect(task.artifacts).toEqual([{ name: 'out.txt', size: 7, mediaType: 'text/plain' }]);
  });

  /** PUTs `size` bytes as the artifact out.bin, chunked (no Content-Length) when `chunked`. */
  async function putArtifact(claimed: Claimed, size: number, chunked: boolean) {
    const url = new URL(`${TASKS_PATH}/${claimed.id}/artifacts/out.bin`, app.baseUrl);
    const body = Buffer.alloc(size, 'a');
    return new Promise<{ status: number; body: Record<string, unknown> }>((resolve, reject) => {
      const call = httpRequest(
        url,
        {
          method: 'PUT',
          headers: {
            ...bearer(worker),
            'Lease-Token': claimed.leaseToken,
            'Content-Type': 'application/octet-stream',
            ...(!chunked && { 'Content-Length': String(size) }),
          },
        },
        (response) => {
          let text = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => (text += chunk));
          response.on('end', () =>
            resolve({ status: response.statusCode ?? 0, body: JSON.parse(text || '{}') }),
          );
        },
      );
      // The server may answer and close before it has read the whole body.
      call.on('error', (error: NodeJS.ErrnoException) => {
        if (error.code !== 'EPIPE' && error.code !== 'ECONNRESET') reject(error);
      });
      for (let at = 0; at < size; at += 64 * 1024) call.write(body.subarray(at, at + 64 * 1024));
      call.end();
    });
  }

  it('refuses an artifact past MAX_UPLOAD_BYTES (413), declared or streamed, and keeps nothing', async () => {
    const claimed = await claimedTask('gpu-1');
    const store = blobStore(app.config.dataDir);
    const blobsBefore = await store.blobs();
    for (const chunked of [false, true]) {
      const refused = await putArtifact(claimed, MAX_UPLOAD_BYTES + 1, chunked);
      expect(refused).toMatchObject({
        status: 413,
        body: { type: 'urn:taskyard:problem:payload-too-large', maxBytes: MAX_UPLOAD_BYTES },
      });
      expect(await store.staged()).toEqual([]);
      expect(await store.blobs()).toEqual(blobsBefore);
    }
    // The lease still holds: the limit itself is accepted, and the task completes with it.
    const exact = await putArtifact(claimed, MAX_UPLOAD_BYTES, true);
    expect(exact).toMatchObject({ status: 201, body: { size: MAX_UPLOAD_BYTES } });
    await report(worker, claimed.id, 'complete', { leaseToken: claimed.leaseToken }).expect(200);
    const task: TaskBody = await getTask(app.baseUrl, user, claimed.id);
    expect(task.artifacts).toEqual([
      { name: 'out.bin', size: MAX_UPLOAD_BYTES, mediaType: 'application/octet-stream' },
    ]);
  });

  it("refuses an artifact past the tenant's stored-bytes limit (413), and keeps nothing", async () => {
    const claimed = await claimedTask('gpu-1');
    const limits = (maxStoredBytes: number | null) =>
      http().put('/api/v1/admin/tenants/acme/limits').set(ADMIN).send({ maxStoredBytes });
    const usage = await http().get('/api/v1/admin/tenants/acme/limits').set(ADMIN).expect(200);
    const used = (usage.body as { usage: { storedBytes: number } }).usage.storedBytes;
    await limits(used + 1000).expect(200);
    try {
      const store = blobStore(app.config.dataDir);
      const blobsBefore = await store.blobs();
      const refused = await putArtifact(claimed, 1001, false);
      expect(refused).toMatchObject({
        status: 413,
        body: { type: 'urn:taskyard:problem:storage-limit-exceeded', used, size: 1001 },
      });
      expect(await store.staged()).toEqual([]);
      expect(await store.blobs()).toEqual(blobsBefore);
      expect(await putArtifact(claimed, 1000, false)).toMatchObject({ status: 201 });
    } finally {
      await limits(null).expect(200);
    }
  });

  it('forgets a worker not seen within JOBS_RETENTION_HOURS: its claims answer 404 until it registers again', async () => {
    await register(worker, 'old-1').expect(200);
    await app.database.query(
      `UPDATE remote_workers SET last_seen_at = now() - interval '169 hours' WHERE name = 'old-1'`,
    );
    const result = await app.app.get(RetentionHandler).prune();
    expect(result.remoteWorkersDeleted).toBe(1);
    const gone = await http()
      .post('/api/v1/workers/old-1/claims')
      .set(bearer(worker))
      .send({})
      .expect(404);
    expect(gone.headers['content-type']).toMatch(PROBLEM_JSON);
    expect(await claim(worker, 'gpu-1')).toEqual([]);
    await register(worker, 'old-1').expect(200);
    expect(await claim(worker, 'old-1')).toEqual([]);
  });
});
