import { check, expectStatus, type Session } from './api.js';

/** A webhook endpoint registered, read, listed, changed, its deliveries read, and removed. */
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
}
