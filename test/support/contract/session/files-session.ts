import { check, expectStatus, type Session, text, waitUntilFinished } from './api.js';

const CSV = 'id,name\n1,input\n';

/** Upload, read, download (whole, a range, 304), the 409 of a task's input, delete; limits. */
export async function filesSession({ user, maxUploadBytes }: Session): Promise<void> {
  const uploaded = await user.call('post', '/api/v1/files', {
    form: { file: new File([CSV], 'input.csv', { type: 'text/csv' }) },
  });
  const stored = expectStatus(uploaded, 201);
  const file = stored.body;
  check(stored.header('Location') === `/api/v1/files/${file.id}`, 'its Location');
  const path = { id: file.id };
  const got = expectStatus(await user.call('get', '/api/v1/files/{id}', { path }), 200);
  check(got.body.size === CSV.length, 'its size');
  const content = expectStatus(await user.call('get', '/api/v1/files/{id}/content', { path }), 200);
  check(text(content.body) === CSV, 'the content as uploaded');
  const etag = content.header('ETag');
  check(etag !== null, 'an ETag');
  const cached = await user.call('get', '/api/v1/files/{id}/content', {
    path,
    header: { 'If-None-Match': etag },
  });
  expectStatus(cached, 304);
  const range = await user.call('get', '/api/v1/files/{id}/content', {
    path,
    header: { Range: 'bytes=3-6' },
  });
  check(text(expectStatus(range, 206).body) === CSV.slice(3, 7), 'bytes 3 to 6');

  const task = await user.call('post', '/api/v1/tasks', {
    json: { type: 'csv.import', fileId: file.id },
  });
  const taskId = expectStatus(task, 202).body.id;
  expectStatus(await user.call('delete', '/api/v1/files/{id}', { path }), 409);
  await waitUntilFinished(user, taskId);
  expectStatus(await user.call('delete', '/api/v1/tasks/{id}', { path: { id: taskId } }), 204);
  expectStatus(await user.call('delete', '/api/v1/files/{id}', { path }), 204);
  expectStatus(await user.call('get', '/api/v1/files/{id}', { path }), 404);

  const tooLarge = await user.call('post', '/api/v1/files', {
    form: { file: new File(['x'.repeat(maxUploadBytes + 1)], 'big.csv', { type: 'text/csv' }) },
  });
  check(expectStatus(tooLarge, 413).body.maxBytes === maxUploadBytes, 'the limit in the problem');
  const image = await user.call('post', '/api/v1/files', {
    form: { file: new File([new Uint8Array([137, 80, 78, 71])], 'a.png', { type: 'image/png' }) },
  });
  check(expectStatus(image, 415).body.mediaType === 'image/png', 'the refused media type');
}
