import { check, expectStatus, type Session } from './api.js';

const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

/** The errors a client meets most: no key, an unknown id, a body of the wrong type or shape. */
export async function errorSession({ admin, user }: Session): Promise<void> {
  const anonymous = await user.call('get', '/api/v1/tasks', { key: null });
  expectStatus(anonymous, 401);
  const unknown = await user.call('get', '/api/v1/tasks/{id}', { path: { id: UNKNOWN_ID } });
  check(expectStatus(unknown, 404).body.status === 404, 'a 404 problem');
  const asUser = await user.call('get', '/api/v1/admin/keys', {});
  expectStatus(asUser, 404);

  const plain = await user.unchecked('post', '/api/v1/tasks', {
    headers: { 'Content-Type': 'text/plain' },
    body: 'echo',
  });
  expectStatus(plain, 415);
  const unknownMember = await user.unchecked('post', '/api/v1/tasks', {
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ type: 'echo', colour: 'red' }),
  });
  const fields = expectStatus(unknownMember, 422).body.errors;
  check(fields[0]?.field === 'colour', 'the field named');
  const badKey = await admin.call('post', '/api/v1/admin/keys', {
    json: { tenant: 'Not A Tenant!', name: '' },
  });
  const named = expectStatus(badKey, 422)
    .body.errors.map((error) => error.field)
    .sort();
  check(named.join() === 'name,tenant', `tenant and name named, not ${named.join()}`);
  const badQuery = await user.call('get', '/api/v1/tasks', { query: { limit: 0 } });
  expectStatus(badQuery, 422);
}
