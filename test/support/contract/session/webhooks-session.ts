import { check, expectStatus, type Session } from './api.js';

/**
 * A webhook endpoint registered, read, listed, changed, its deliveries read, and removed; a task
 * with its own callbackUrl, its callback attempts and the tenant's callback secret.
 */
export async function webhooksSession({ user, admin }: Session): Promise<void> {
  const destinations = await admin.call('get', '/api/v1/admin/webhooks/destinations', {});
  check(Array.isArray(expectStatus(destinations, 200).body), 'the breakers per destination');
  const json = { url: 'https://example.com/hooks/taskyard', events: ['task.succeeded' as const] };
  const made = expectStatus(await user.call('post', '/api/v1/webhooks', { json }), 201).body;
  check(made.secret.startsWith('whsec_'), 'the signing secret, shown once');
  const bad = await user.call('post', '/api/v1/webhooks', {
    json: { url: 'nope', events: ['task.succeeded'] },
  });
  expectStatus(bad, 422);
  const path = { id: made.id };
  const read = expectStatus(await user.call('get', '/api/v1/webhooks/{id}', { path }), 200).body;
  check(read.url === json.url && !('secret' in read), 'the endpoint without its secret');
  const list = expectStatus(await user.call('get', '/api/v1/webhooks', {}), 200).body;
  check(
    list.some((w) => w.id === made.id),
    'the endpoint listed',
  );
  const events = ['task.failed' as const, 'task.cancelled' as const];
  const patched = await user.call('patch', '/api/v1/webhooks/{id}', { path, json: { events } });
  check(expectStatus(patched, 200).body.events.length === 2, 'the events changed');
  const deliveries = await user.call('get', '/api/v1/webhooks/{id}/deliveries', { path });
  check(Array.isArray(expectStatus(deliveries, 200).body), 'the delivery attempts');
  expectStatus(await user.call('delete', '/api/v1/webhooks/{id}', { path }), 204);
  expectStatus(await user.call('get', '/api/v1/webhooks/{id}', { path }), 404);

  const secret = expectStatus(await user.call('get', '/api/v1/webhooks/default/secret', {}), 200);
  check(secret.body.secret.startsWith('whsec_'), 'the callback signing secret');
  const again = expectStatus(await user.call('get', '/api/v1/webhooks/default/secret', {}), 200);
  check(again.body.secret === secret.body.secret, 'the same callback secret on every read');
  const callbackUrl = 'https://example.com/hooks/task-done';
  const created = await user.call('post', '/api/v1/tasks', {
    json: { type: 'echo', payload: {}, callbackUrl },
  });
  const task = expectStatus(created, 202).body;
  check(task.callbackUrl === callbackUrl, 'the callbackUrl shown');
  const refused = await user.call('post', '/api/v1/tasks', {
    json: { type: 'echo', payload: {}, callbackUrl: 'ftp://example.com/hook' },
  });
  expectStatus(refused, 422);
  const attempts = await user.call('get', '/api/v1/tasks/{id}/callbacks', {
    path: { id: task.id },
  });
  check(Array.isArray(expectStatus(attempts, 200).body), 'the callback attempts');
}
