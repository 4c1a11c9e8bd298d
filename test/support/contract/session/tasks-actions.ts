import { type Api, check, expectStatus, type Session, waitUntilFinished } from './api.js';

/** JSON tasks, the list a page at a time, and a sleep task cancelled, retried and deleted. */
export async function taskActions({ user }: Session): Promise<void> {
  const created: string[] = [];
  for (const n of [1, 2, 3]) {
    const reply = await user.call('post', '/api/v1/tasks', {
      json: { type: 'echo', payload: { n } },
    });
    created.push(expectStatus(reply, 202).body.id);
  }
  const listed = await listAll(user);
  check(
    created.every((id) => listed.includes(id)),
    'every task in the list',
  );
  check(new Set(listed).size === listed.length, 'no task twice across pages');
  await cancelRetryDelete(user);
}

async function listAll(user: Api): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 20; page++) {
    const reply = await user.call('get', '/api/v1/tasks', {
      query: { limit: 2, ...(cursor ? { cursor } : {}) },
    });
    const body = expectStatus(reply, 200).body;
    check(body.items.length <= 2, 'pages of two');
    ids.push(...body.items.map((task) => task.id));
    if (body.nextCursor === null) return ids;
    cursor = body.nextCursor;
  }
  throw new Error('the list did not end');
}

async function cancelRetryDelete(user: Api): Promise<void> {
  const sleep = await user.call('post', '/api/v1/tasks', {
    json: { type: 'sleep', options: { ms: 60_000 } },
  });
  const id = expectStatus(sleep, 202).body.id;
  const path = { id };
  expectStatus(await user.call('delete', '/api/v1/tasks/{id}', { path }), 409);
  expectStatus(await user.call('post', '/api/v1/tasks/{id}/cancel', { path }), 202);
  check((await waitUntilFinished(user, id)).status === 'cancelled', 'the sleep cancelled');
  expectStatus(await user.call('post', '/api/v1/tasks/{id}/cancel', { path }), 409);
  const retried = expectStatus(await user.call('post', '/api/v1/tasks/{id}/retry', { path }), 202);
  check(retried.body.status !== 'cancelled', 'the retried task to run again');
  expectStatus(await user.call('post', '/api/v1/tasks/{id}/retry', { path }), 409);
  expectStatus(await user.call('post', '/api/v1/tasks/{id}/cancel', { path }), 202);
  await waitUntilFinished(user, id);
  expectStatus(await user.call('delete', '/api/v1/tasks/{id}', { path }), 204);
  expectStatus(await user.call('get', '/api/v1/tasks/{id}', { path }), 404);
}
