import { type Api, check, expectStatus, type Session, text } from './api.js';

const TYPE = 'contract.resize';
const NAME = 'contract-worker';

/**
 * The remote worker protocol: a worker key registers a type with its options schema, claims a task
 * a user made (long poll), reads its input file, reports, stores an artifact, completes; a second
 * attempt fails; a late report is refused (409).
 */
export async function remoteWorkersSession({
  admin,
  user,
  tenant,
  client,
}: Session): Promise<void> {
  const made = await admin.call('post', '/api/v1/admin/keys', {
    json: { tenant, name: 'remote worker', role: 'worker' },
  });
  const key = expectStatus(made, 201).body;
  check(key.role === 'worker', 'a worker key');
  const worker = client(key.key);
  const registered = await worker.call('put', '/api/v1/workers/{name}', {
    path: { name: NAME },
    json: {
      types: [
        {
          type: TYPE,
          input: 'file',
          options: { type: 'object', properties: { width: { type: 'integer', minimum: 1 } } },
          mediaTypes: ['text/plain'],
        },
      ],
    },
  });
  check(expectStatus(registered, 200).body.types[0]?.concurrency === 1, 'concurrency 1 by default');
  const builtIn = await worker.call('put', '/api/v1/workers/{name}', {
    path: { name: NAME },
    json: { types: [{ type: 'echo', input: 'payload' }] },
  });
  expectStatus(builtIn, 409);

  const first = await claimOne(worker, user);
  const input = await worker.call('get', '/api/v1/workers/{name}/tasks/{id}/input', {
    path: { name: NAME, id: first.id },
    header: { 'Lease-Token': first.leaseToken, Range: 'bytes=0-3' },
  });
  check(text(expectStatus(input, 206).body) === 'orig', 'the first bytes of its input');
  const path = { id: first.id };
  const leaseToken = first.leaseToken;
  const beat = await worker.call('post', '/api/v1/tasks/{id}/heartbeat', {
    path,
    json: { leaseToken },
  });
  check(!expectStatus(beat, 200).body.cancelRequested, 'no cancel requested');
  const progress = { path, json: { leaseToken, percent: 40, message: 'resizing' } };
  expectStatus(await worker.call('post', '/api/v1/tasks/{id}/progress', progress), 204);
  const partial = { path, json: { leaseToken, data: { done: 1 } } };
  expectStatus(await worker.call('post', '/api/v1/tasks/{id}/partial', partial), 204);
  const artifact = await worker.unchecked('put', '/api/v1/tasks/{id}/artifacts/{name}', {
    path: { id: first.id, name: 'small.txt' },
    headers: { 'Content-Type': 'text/plain', 'Lease-Token': leaseToken },
    body: 'small',
  });
  check(expectStatus(artifact, 201).body.size === 5, 'the artifact stored');
  const done = await worker.call('post', '/api/v1/tasks/{id}/complete', {
    path,
    json: { leaseToken, result: { width: 10 } },
  });
  check(expectStatus(done, 200).body.status === 'succeeded', 'the task succeeded');
  const late = await worker.call('post', '/api/v1/tasks/{id}/complete', {
    path,
    json: { leaseToken },
  });
  check(
    expectStatus(late, 409).body.type === 'urn:taskyard:problem:lease-lost',
    'a late report refused',
  );

  const second = await claimOne(worker, user);
  const failed = await worker.call('post', '/api/v1/tasks/{id}/fail', {
    path: { id: second.id },
    json: { leaseToken: second.leaseToken, error: { message: 'bad input' }, retryable: false },
  });
  check(expectStatus(failed, 200).body.status === 'failed', 'the task failed');
}

/** A task of the remote type made by the user, claimed with a long poll. */
async function claimOne(worker: Api, user: Api) {
  const uploaded = await user.call('post', '/api/v1/files', {
    form: { file: new File(['original'], 'in.txt', { type: 'text/plain' }) },
  });
  const fileId = expectStatus(uploaded, 201).body.id;
  const created = await user.call('post', '/api/v1/tasks', {
    json: { type: TYPE, fileId, options: { width: 10 } },
  });
  const id = expectStatus(created, 202).body.id;
  const claimed = await worker.call('post', '/api/v1/workers/{name}/claims', {
    path: { name: NAME },
    header: { Prefer: 'wait=5' },
    json: { max: 1 },
  });
  const [task] = expectStatus(claimed, 200).body.tasks;
  check(task?.id === id && task.input?.size === 8, 'the task claimed, with its input');
  return task;
}
