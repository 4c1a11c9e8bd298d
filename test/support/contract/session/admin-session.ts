import { type Api, check, expectStatus, type Session, text } from './api.js';

/** Makes the user key the session runs as, through POST /admin/keys; lists it. */
export async function createUserKey(admin: Api, tenant: string): Promise<string> {
  const made = await admin.call('post', '/api/v1/admin/keys', {
    json: { tenant, name: 'contract session' },
  });
  const key = expectStatus(made, 201).body;
  check(key.role === 'user' && key.key.startsWith('ty_'), 'a user key, shown once');
  const list = expectStatus(await admin.call('get', '/api/v1/admin/keys', {}), 200).body;
  check(
    list.some((k) => k.id === key.id && !('key' in k)),
    'the key listed without its secret',
  );
  return key.key;
}

/** Health and metrics, queues, worker processes, a job, a tenant's limits (and the 429 past them), and a key revoked. */
export async function adminSession(session: Session): Promise<void> {
  const { admin } = session;
  const live = expectStatus(await admin.call('get', '/health/live', { key: null }), 200);
  check(live.body.status === 'ok', 'live');
  expectStatus(await admin.call('get', '/health/ready', { key: null }), 200);
  const queue = expectStatus(await admin.call('get', '/health/queue', { key: null }), 200);
  check(queue.body.details.workers?.alive !== undefined, 'the queue check counts workers');
  const metrics = expectStatus(await admin.call('get', '/metrics', { key: null }), 200);
  check(text(metrics.body).includes('# HELP'), 'the Prometheus text format');
  await queues(admin);
  await workers(admin);
  await job(admin, session.jobId);
  await tenantLimits(session);
  await revokeKey(admin, session.tenant);
  await deleteTenant(admin);
}

async function queues(admin: Api): Promise<void> {
  const list = expectStatus(await admin.call('get', '/api/v1/admin/queues', {}), 200).body;
  check(
    list.some((q) => q.name === 'tasks'),
    'the tasks queue listed',
  );
  const path = { name: 'tasks' };
  const paused = await admin.call('post', '/api/v1/admin/queues/{name}/pause', { path });
  check(expectStatus(paused, 200).body.paused, 'the queue paused');
  const resumed = await admin.call('post', '/api/v1/admin/queues/{name}/resume', { path });
  check(!expectStatus(resumed, 200).body.paused, 'the queue resumed');
}

/** The app under test runs the worker too: it is listed alive, and not among the gone ones. */
async function workers(admin: Api): Promise<void> {
  const all = expectStatus(await admin.call('get', '/api/v1/admin/workers', {}), 200).body;
  const alive = all.filter((w) => w.status === 'alive' && w.goneAt === null);
  check(
    alive.some((w) => w.types.length > 0),
    'a live worker process with its types',
  );
  const query = { status: 'gone' as const };
  const gone = expectStatus(await admin.call('get', '/api/v1/admin/workers', { query }), 200).body;
  check(
    gone.every((w) => w.status === 'gone' && !alive.some((a) => a.id === w.id)),
    'only gone processes under ?status=gone',
  );
}

/** The test's job, in a queue of its own kept paused while it is retried: no worker takes it. */
async function job(admin: Api, id: string): Promise<void> {
  const path = { id };
  const queue = { name: 'contract' };
  await admin.call('post', '/api/v1/admin/queues/{name}/pause', { path: queue });
  const found = expectStatus(await admin.call('get', '/api/v1/admin/jobs/{id}', { path }), 200);
  check(found.body.status === 'queued', 'the queued job');
  expectStatus(await admin.call('post', '/api/v1/admin/jobs/{id}/retry', { path }), 409);
  const cancelled = await admin.call('post', '/api/v1/admin/jobs/{id}/cancel', { path });
  check(expectStatus(cancelled, 200).body.status === 'cancelled', 'the job cancelled');
  const retried = await admin.call('post', '/api/v1/admin/jobs/{id}/retry', { path });
  check(expectStatus(retried, 200).body.status === 'queued', 'the job queued again');
  expectStatus(await admin.call('post', '/api/v1/admin/jobs/{id}/cancel', { path }), 200);
  await admin.call('post', '/api/v1/admin/queues/{name}/resume', { path: queue });
  const unknown = { id: '9007199254740991' };
  expectStatus(await admin.call('get', '/api/v1/admin/jobs/{id}', { path: unknown }), 404);
}

/** Limits read and replaced; one queued task allowed, so a second is refused with 429. */
async function tenantLimits({ admin, user, tenant }: Session): Promise<void> {
  const path = { tenant };
  const route = '/api/v1/admin/tenants/{tenant}/limits';
  expectStatus(await admin.call('get', route, { path }), 200);
  const set = await admin.call('put', route, { path, json: { maxQueuedTasks: 1 } });
  check(expectStatus(set, 200).body.overrides.maxQueuedTasks === 1, 'the override');
  const queue = { name: 'tasks' };
  await admin.call('post', '/api/v1/admin/queues/{name}/pause', { path: queue });
  const first = await user.call('post', '/api/v1/tasks', { json: { type: 'echo', payload: 1 } });
  const queued = expectStatus(first, 202).body.id;
  const second = await user.call('post', '/api/v1/tasks', { json: { type: 'echo', payload: 2 } });
  check(expectStatus(second, 429).body.limit === 1, 'the limit in the problem');
  await user.call('post', '/api/v1/tasks/{id}/cancel', { path: { id: queued } });
  await admin.call('post', '/api/v1/admin/queues/{name}/resume', { path: queue });
  expectStatus(await admin.call('put', route, { path, json: {} }), 200);
}

/** A key revoked through the API is refused from then on. */
async function revokeKey(admin: Api, tenant: string): Promise<void> {
  const made = await admin.call('post', '/api/v1/admin/keys', {
    json: { tenant, name: 'to revoke' },
  });
  const { id, key } = expectStatus(made, 201).body;
  const revoked = await admin.call('delete', '/api/v1/admin/keys/{id}', { path: { id } });
  check(expectStatus(revoked, 200).body.revokedAt !== null, 'revokedAt set');
  expectStatus(await admin.call('get', '/api/v1/tasks', { key, query: {} }), 401);
  const unknown = { id: '00000000-0000-4000-8000-000000000000' };
  expectStatus(await admin.call('delete', '/api/v1/admin/keys/{id}', { path: unknown }), 404);
}

/** A tenant deleted: 202 with the job doing it; a malformed tenant name is a 422. */
async function deleteTenant(admin: Api): Promise<void> {
  const tenant = 'contract-gone';
  expectStatus(
    await admin.call('post', '/api/v1/admin/keys', { json: { tenant, name: 'x' } }),
    201,
  );
  const route = '/api/v1/admin/tenants/{tenant}';
  const accepted = expectStatus(await admin.call('delete', route, { path: { tenant } }), 202);
  check(accepted.body.tenant === tenant && /^\d+$/.test(accepted.body.jobId), 'the purge job');
  expectStatus(await admin.call('delete', route, { path: { tenant: 'Not-A-Tenant' } }), 422);
}
