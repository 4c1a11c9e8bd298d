import { type Api, check, expectStatus, type Session, waitUntilFinished } from './api.js';

/** Text that is not UTF-8: text.analyze fails on it, every attempt. */
const NOT_UTF8 = new Uint8Array([0x68, 0x69, 0x0a, 0xff, 0xfe, 0x0a]);

/** Who am I, activity, stuck work, and a failed task's group listed, retried and discarded. */
export async function operationsSession(session: Session): Promise<void> {
  const { admin, user, tenant } = session;
  const me = expectStatus(await user.call('get', '/api/v1/me', {}), 200).body;
  check(me.role === 'user' && me.tenant === tenant, 'the user key as itself');
  const adminMe = expectStatus(await admin.call('get', '/api/v1/me', {}), 200).body;
  check(adminMe.role === 'admin', 'the admin key as admin');

  const activity = await admin.call('get', '/api/v1/admin/activity', { query: { minutes: 5 } });
  const body = expectStatus(activity, 200).body;
  check(
    body.queues.every((q) => q.buckets.length === 5),
    'five buckets a queue',
  );
  expectStatus(await admin.call('get', '/api/v1/admin/activity', { query: { minutes: 0 } }), 422);
  expectStatus(await admin.call('get', '/api/v1/admin/stuck', {}), 200);
  await failures(admin, user);
}

async function failures(admin: Api, user: Api): Promise<void> {
  const uploaded = await user.call('post', '/api/v1/files', {
    form: { file: new File([NOT_UTF8], 'bad.txt', { type: 'text/plain' }) },
  });
  const fileId = expectStatus(uploaded, 201).body.id;
  const created = await user.call('post', '/api/v1/tasks', {
    json: { type: 'text.analyze', fileId, options: {} },
  });
  const id = expectStatus(created, 202).body.id;
  check((await waitUntilFinished(user, id)).status === 'failed', 'the task failed');

  const query = { type: 'text.analyze' };
  const list = await admin.call('get', '/api/v1/admin/failures', { query });
  const group = expectStatus(list, 200).body.groups.find((g) => g.sampleTaskId === id);
  check(group !== undefined, 'its group listed');
  const { key } = group;
  const retried = await admin.call('post', '/api/v1/admin/failures/retry', { json: { key } });
  check(expectStatus(retried, 200).body.affected === 1, 'one task retried');
  check((await waitUntilFinished(user, id)).status === 'failed', 'the task failed again');
  const discarded = await admin.call('post', '/api/v1/admin/failures/discard', { json: { key } });
  check(expectStatus(discarded, 200).body.affected === 1, 'one task discarded');
  expectStatus(await user.call('get', '/api/v1/tasks/{id}', { path: { id } }), 404);
  expectStatus(await admin.call('post', '/api/v1/admin/failures/retry', { json: {} }), 422);
  expectStatus(await user.call('delete', '/api/v1/files/{id}', { path: { id: fileId } }), 204);
}
