import { type Api, check, expectStatus, type Session, text, waitUntilFinished } from './api.js';

const PEOPLE =
  'id,name,born\n1,Ada Lovelace,1815-12-10\n2,Alan Turing,1912-06-23\nx,Nobody,someday\n';
/** The member of each row that gives the line of the file it ended on. */
const LINE = '_line';
const COLUMNS = [
  { name: 'id', type: 'int', nullable: false },
  { name: 'born', type: 'date' },
];

/** The README's session: a CSV import followed to its end, its events, result, rows and rejects. */
export async function readmeSession({ user }: Session): Promise<void> {
  const id = await createImport(user);
  const task = await waitUntilFinished(user, id);
  check(task.status === 'succeeded', `the import to succeed, not ${task.status}`);
  check(task.result !== null, 'a result');
  await notModified(user, id);
  await events(user, id);
  await rows(user, id);
  await rejects(user, id);
}

/** Upload and create in one request, with an Idempotency-Key; the same request again replays. */
async function createImport(user: Api): Promise<string> {
  const send = () =>
    user.call('post', '/api/v1/tasks', {
      header: { 'Idempotency-Key': 'readme-people' },
      form: {
        file: new File([PEOPLE], 'people.csv', { type: 'text/csv' }),
        type: 'csv.import',
        options: JSON.stringify({ columns: COLUMNS }),
      },
    });
  const created = expectStatus(await send(), 202);
  check(created.body.status === 'queued', 'a new task to be queued');
  check(created.header('Location') === `/api/v1/tasks/${created.body.id}`, 'its Location');
  const replayed = expectStatus(await send(), 200);
  check(replayed.body.id === created.body.id, 'the replay to answer the same task');
  check(replayed.header('Idempotent-Replayed') === 'true', 'Idempotent-Replayed: true');
  return created.body.id;
}

/** The ETag of a finished task answers 304 to If-None-Match. */
async function notModified(user: Api, id: string): Promise<void> {
  const current = expectStatus(await user.call('get', '/api/v1/tasks/{id}', { path: { id } }), 200);
  check(
    current.body.artifacts.some((a) => a.name === 'rejects.csv'),
    'rejects.csv listed',
  );
  const etag = current.header('ETag');
  check(etag !== null, 'an ETag');
  const again = await user.call('get', '/api/v1/tasks/{id}', {
    path: { id },
    header: { 'If-None-Match': etag, Prefer: 'wait=1' },
  });
  expectStatus(again, 304);
}

async function events(user: Api, id: string): Promise<void> {
  const all = expectStatus(
    await user.call('get', '/api/v1/tasks/{id}/events', { path: { id }, query: { after: 0 } }),
    200,
  ).body;
  check(all[0]?.kind === 'created' && all.at(-1)?.kind === 'succeeded', 'created … succeeded');
  check(
    all.every((event, i) => event.seq === i + 1),
    'seq 1, 2, 3… without a gap',
  );
  const later = expectStatus(
    await user.call('get', '/api/v1/tasks/{id}/events', { path: { id }, query: { after: 2 } }),
    200,
  ).body;
  check(later.length === all.length - 2 && later[0]?.seq === 3, 'the events after seq 2');
}

/** The loaded rows a page at a time, nextCursor passed back as `after`. */
async function rows(user: Api, id: string): Promise<void> {
  const lines: number[] = [];
  let after: string | undefined;
  for (let page = 0; page < 5; page++) {
    const reply = await user.call('get', '/api/v1/tasks/{id}/rows', {
      path: { id },
      query: { limit: 1, ...(after ? { after } : {}) },
    });
    const body = expectStatus(reply, 200).body;
    check(
      body.columns.some((c) => c.name === 'born'),
      'the columns with each page',
    );
    lines.push(...body.items.map((row) => Number(row[LINE])));
    if (body.nextCursor === null) break;
    after = body.nextCursor;
  }
  check(lines.join() === '2,3', `rows from lines 2 and 3, not ${lines.join()}`);
}

/** rejects.csv whole, a range of it, a range past its end, and 304 for its ETag. */
async function rejects(user: Api, id: string): Promise<void> {
  const path = { id, name: 'rejects.csv' };
  const route = '/api/v1/tasks/{id}/artifacts/{name}';
  const whole = expectStatus(await user.call('get', route, { path }), 200);
  const csv = text(whole.body);
  check(csv.includes('someday'), 'the rejected line in rejects.csv');
  const part = expectStatus(
    await user.call('get', route, { path, header: { Range: 'bytes=0-3' } }),
    206,
  );
  check(text(part.body) === csv.slice(0, 4), 'the first four bytes');
  check(part.header('Content-Range') === `bytes 0-3/${csv.length}`, 'its Content-Range');
  const outside = await user.call('get', route, {
    path,
    header: { Range: `bytes=${csv.length + 10}-` },
  });
  expectStatus(outside, 416);
  const etag = whole.header('ETag');
  check(etag !== null, 'an ETag on the download');
  expectStatus(await user.call('get', route, { path, header: { 'If-None-Match': etag } }), 304);
  const missing = await user.call('get', route, { path: { id, name: 'nothing.csv' } });
  expectStatus(missing, 404);
}
