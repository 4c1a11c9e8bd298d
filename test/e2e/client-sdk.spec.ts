import { createReadStream } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import {
  type FileSource,
  type Task,
  type TaskEvent,
  type TaskStatus,
  Taskyard,
  TaskyardConnectionError,
  TaskyardError,
  type UploadProgress,
} from '../../src/client/index.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { TEST_ADMIN_KEY } from '../support/auth.js';
import { startHttpProxyWithoutWebSocket } from '../support/http-proxy.js';
import { BUILT_IN_TYPES } from '../support/tasks.js';

const GOOD_ROWS = 30_000;
const MAX_UPLOAD_BYTES = 4 * 1024 * 1024;
/** A CSV of some 800 kB, so that an upload goes in many pieces, with one row to reject. */
const CSV = [
  'id,name,born',
  ...Array.from({ length: GOOD_ROWS }, (_, i) => `${i + 1},Person ${i + 1},1815-12-10`),
  'x,Nobody,someday',
  '',
].join('\n');
const IMPORT = {
  type: 'csv.import',
  options: {
    columns: [
      { name: 'id', type: 'int', nullable: false },
      { name: 'born', type: 'date' },
    ],
  },
};

async function collect<T>(events: AsyncIterable<T>): Promise<T[]> {
  const seen: T[] = [];
  for await (const event of events) seen.push(event);
  return seen;
}

/** Seqs run on with no gap (a merged progress event stands for the seqs it replaces). */
function expectGapless(events: TaskEvent[], afterSeq = 0): void {
  let last = afterSeq;
  for (const event of events) {
    expect(event.replaces ?? event.seq).toBe(last + 1);
    last = event.seq;
  }
}

const seqKinds = (events: TaskEvent[]): [number, string][] =>
  events.map((event) => [event.seq, event.kind]);

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => new Error('it did not reject'),
    (error: unknown) => error,
  );
}

/** A source that gives some bytes, then fails. */
async function* failingSource(): AsyncGenerator<Uint8Array> {
  yield new TextEncoder().encode('id,name\n1,Ada\n');
  throw new Error('the disk went away');
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('the client SDK (taskyard/client) against a started service', () => {
  let testApp: TestApp;
  let admin: Taskyard;
  let key: string;
  let client: Taskyard;
  let dir: string;
  let csvPath: string;
  let csvSize: number;

  beforeAll(async () => {
    testApp = await startTestApp({
      env: { JOBS_POLL_INTERVAL_MS: '100', MAX_UPLOAD_BYTES: String(MAX_UPLOAD_BYTES) },
    });
    admin = new Taskyard({ url: testApp.baseUrl, key: TEST_ADMIN_KEY });
    key = (await admin.createKey({ tenant: 'sdk', name: 'client tests' })).key;
    client = new Taskyard({ url: testApp.baseUrl, key });
    dir = await mkdtemp(path.join(tmpdir(), 'taskyard-sdk-'));
    csvPath = path.join(dir, 'people.csv');
    await writeFile(csvPath, CSV);
    csvSize = (await stat(csvPath)).size;
  });
  afterAll(async () => {
    await testApp.close();
    await rm(dir, { recursive: true, force: true });
  });

  // An hour in 20 steps: once started, nothing changes for 3 minutes to answer a long poll early.
  const sleepTask = () => client.createTask({ type: 'sleep', options: { ms: 3_600_000 } });
  const running = async (id: string): Promise<void> => {
    for await (const event of client.follow(id)) if (event.kind === 'started') return;
  };

  describe('submits a file, streamed, with upload progress up to its size', () => {
    const sources: [string, () => FileSource, boolean][] = [
      ['a path', () => csvPath, true],
      ['a Buffer', () => Buffer.from(CSV), true],
      ['a Blob', () => new Blob([CSV], { type: 'text/csv' }), true],
      ['a Node stream', () => createReadStream(csvPath), false],
      [
        'a web ReadableStream',
        () => Readable.toWeb(createReadStream(csvPath)) as ReadableStream<Uint8Array>,
        false,
      ],
    ];

    it.each(sources)('from %s', async (_what, source, sizeKnown) => {
      const progress: UploadProgress[] = [];
      const task = await client.submitFile(
        source(),
        { ...IMPORT, fileName: 'people.csv' },
        { onUploadProgress: (p) => progress.push(p) },
      );
      expect(task).toMatchObject({ type: 'csv.import', status: 'queued', lastSeq: 1 });
      expect(progress.length).toBeGreaterThan(1);
      expect(progress.at(-1)).toEqual({ loaded: csvSize, total: sizeKnown ? csvSize : undefined });
      const loaded = progress.map((p) => p.loaded);
      expect(loaded).toEqual([...loaded].sort((a, b) => a - b));

      const done = await client.wait(task.id);
      expect(done).toMatchObject({
        status: 'succeeded',
        result: { rowsLoaded: GOOD_ROWS, rowsRejected: 1 },
      });
    });

    it('uploads a file alone, then makes a task of it by its id', async () => {
      const stored = await client.uploadFile(csvPath);
      expect(stored).toMatchObject({ name: 'people.csv', mediaType: 'text/csv', size: csvSize });
      const task = await client.createTask({ ...IMPORT, fileId: stored.id });
      expect(task.inputFileId).toBe(stored.id);
      expect((await client.wait(task.id)).status).toBe('succeeded');
    });

    it('replays an Idempotency-Key: the same task, not a second one', async () => {
      const idempotencyKey = `sdk-${Date.now()}`;
      const first = await client.submitFile(csvPath, IMPORT, { idempotencyKey });
      const again = await client.submitFile(
        Buffer.from(CSV),
        { ...IMPORT, fileName: 'people.csv' },
        { idempotencyKey },
      );
      expect(again.id).toBe(first.id);
      const json = await client.createTask({ type: 'echo', payload: 1 }, { idempotencyKey: 'j1' });
      const jsonAgain = await client.createTask(
        { type: 'echo', payload: 1 },
        { idempotencyKey: 'j1' },
      );
      expect(jsonAgain.id).toBe(json.id);
      const page = await client.listTasks({ type: 'csv.import', limit: 100 });
      expect(page.items.filter((t) => t.id === first.id)).toHaveLength(1);
    });
  });

  describe('follows a task live', () => {
    it('over Socket.IO and over long polling: the same events, created to succeeded, no gap', async () => {
      const task = await client.submitFile(csvPath, IMPORT);
      const [live, polled] = await Promise.all([
        collect(client.follow(task.id, { transport: 'websocket' })),
        collect(client.follow(task.id, { transport: 'polling' })),
      ]);
      const log = await client.events(task.id);
      expect(log[0]?.kind).toBe('created');
      expect(log.at(-1)?.kind).toBe('succeeded');
      expectGapless(live);
      expect(seqKinds(polled)).toEqual(seqKinds(log));
      expect(seqKinds(live)).toEqual(seqKinds(log));
      expect(live.at(-1)?.data).toMatchObject({ result: { rowsLoaded: GOOD_ROWS } });
    });

    it('resumes after a seq it was given, over either transport', async () => {
      const task = await client.createTask({ type: 'echo', payload: { n: 1 } });
      const log = await collect(client.follow(task.id));
      expect(log.map((e) => e.kind)).toEqual(['created', 'started', 'succeeded']);
      for (const transport of ['websocket', 'polling'] as const) {
        const rest = await collect(client.follow(task.id, { afterSeq: 2, transport }));
        expect(seqKinds(rest)).toEqual([[3, 'succeeded']]);
      }
      expect(seqKinds(await client.events(task.id, { after: 1 }))).toEqual(seqKinds(log.slice(1)));
    });

    it('falls back to long polling where WebSocket does not get through', async () => {
      const proxy = await startHttpProxyWithoutWebSocket(testApp.baseUrl);
      try {
        const proxied = new Taskyard({ url: proxy.url, key });
        const task = await proxied.createTask({ type: 'echo', payload: 'through a proxy' });
        const events = await collect(proxied.follow(task.id));
        expect(events.map((e) => e.kind)).toEqual(['created', 'started', 'succeeded']);
        expectGapless(events);
      } finally {
        await proxy.close();
      }
    });

    it('wait() resolves with the finished task, whatever its end', async () => {
      const echo = await client.createTask({ type: 'echo', payload: { hello: 'world' } });
      expect(await client.wait(echo.id)).toMatchObject({
        status: 'succeeded',
        result: { hello: 'world' },
      });
      const sleep = await sleepTask();
      await client.cancelTask(sleep.id);
      expect(await client.wait(sleep.id)).toMatchObject({ status: 'cancelled' });
    });
  });

  it('wait() asks for the outcome once: one GET for a task that starts, reports and ends', async () => {
    const gets: string[] = [];
    const counting = new Taskyard({
      url: testApp.baseUrl,
      key,
      fetch: (input, init) => {
        const url = input instanceof Request ? input.url : String(input);
        if ((init?.method ?? 'GET') === 'GET')
          gets.push(new URL(url).pathname + new URL(url).search);
        return fetch(input, init);
      },
    });
    const task = await counting.createTask({ type: 'sleep', options: { ms: 1000 } });
    expect(await counting.wait(task.id)).toMatchObject({ status: 'succeeded' });
    expect(gets).toEqual([`/api/v1/tasks/${task.id}?until=finished`]);
  });

  it('lists every task across pages with the async iterator', async () => {
    const { key: pagesKey } = await admin.createKey({ tenant: 'sdk-pages', name: 'pages' });
    const pages = new Taskyard({ url: testApp.baseUrl, key: pagesKey });
    const created: Task[] = [];
    for (let i = 0; i < 5; i++) created.push(await pages.createTask({ type: 'echo', payload: i }));
    const first = await pages.listTasks({ limit: 2 });
    expect(first.items).toHaveLength(2);
    expect(first.nextCursor).toEqual(expect.any(String));
    const all: string[] = [];
    for await (const task of pages.tasks({ limit: 2 })) all.push(task.id);
    expect(all).toEqual(created.map((t) => t.id).toReversed());
    const echoes: string[] = [];
    const statuses: TaskStatus[] = ['queued', 'running', 'succeeded'];
    for await (const task of pages.tasks({ type: 'echo', status: statuses, limit: 2 })) {
      echoes.push(task.id);
    }
    expect(echoes.sort()).toEqual(created.map((t) => t.id).sort());
  });

  it('cancels, retries and deletes a task', async () => {
    const task = await sleepTask();
    await running(task.id);
    expect((await client.cancelTask(task.id)).id).toBe(task.id);
    const cancelled = await client.wait(task.id);
    expect(cancelled).toMatchObject({ status: 'cancelled', error: { title: 'Task cancelled' } });
    const retried = await client.retryTask(task.id);
    expect(retried.status).toMatch(/^(queued|running)$/);
    await client.cancelTask(task.id);
    expect((await client.wait(task.id)).status).toBe('cancelled');
    await client.deleteTask(task.id);
    const gone = await rejection(client.getTask(task.id));
    expect(gone).toBeInstanceOf(TaskyardError);
    expect(gone).toMatchObject({ status: 404, type: 'urn:taskyard:problem:not-found' });
  });

  it('downloads an artifact to a stream and saves it to a file', async () => {
    const task = await client.submitFile(csvPath, IMPORT);
    const done = await client.wait(task.id);
    expect(done.artifacts?.map((a) => a.name)).toContain('rejects.csv');
    const text = await new Response(await client.artifact(task.id, 'rejects.csv')).text();
    expect(text).toContain('"x,Nobody,someday"');
    const target = path.join(dir, 'rejects.csv');
    const saved = await client.saveArtifact(task.id, 'rejects.csv', target);
    expect(await readFile(target, 'utf8')).toBe(text);
    expect(saved.bytes).toBe(Buffer.byteLength(text));
    const missing = await rejection(client.saveArtifact(task.id, 'nope.csv', `${target}.2`));
    expect(missing).toMatchObject({ status: 404 });
  });

  describe('errors', () => {
    it('a bad request: TaskyardError 422 with the field errors', async () => {
      const error = await rejection(client.listTasks({ limit: 1000 }));
      expect(error).toBeInstanceOf(TaskyardError);
      expect(error).toMatchObject({
        status: 422,
        type: 'urn:taskyard:problem:validation-failed',
        title: 'Validation failed',
        errors: [{ field: 'limit', messages: [expect.stringContaining('limit')] }],
      });
      const unknownField = await rejection(
        client.createTask({ type: 'echo', colour: 'red' } as { type: string }),
      );
      expect(unknownField).toMatchObject({ status: 422, errors: [{ field: 'colour' }] });
    });

    it('a wrong key: TaskyardError 401, over HTTP and over Socket.IO', async () => {
      const stranger = new Taskyard({
        url: testApp.baseUrl,
        key: 'ty_not-a-key-at-all-0000000000',
      });
      const error = await rejection(stranger.listTasks());
      expect(error).toBeInstanceOf(TaskyardError);
      expect(error).toMatchObject({ status: 401, title: 'Unauthorized' });
      const task = await client.createTask({ type: 'echo' });
      const followed = await rejection(collect(stranger.follow(task.id)));
      expect(followed).toBeInstanceOf(TaskyardError);
      expect(followed).toMatchObject({ status: 401 });
    });

    it('an unknown task: TaskyardError 404 from follow, over either transport', async () => {
      for (const transport of ['websocket', 'polling'] as const) {
        const error = await rejection(collect(client.follow(crypto.randomUUID(), { transport })));
        expect(error).toMatchObject({ status: 404, detail: expect.stringMatching(/no task/) });
      }
    });

    it('an upload the server refuses before its end: the problem, not a broken connection', async () => {
      const big = new Uint8Array(3 * MAX_UPLOAD_BYTES).fill(65);
      const tooLarge = await rejection(
        client.submitFile(big, { type: 'csv.import', fileName: 'big.csv' }),
      );
      expect(tooLarge).toBeInstanceOf(TaskyardError);
      expect(tooLarge).toMatchObject({ status: 413 });
      const stranger = new Taskyard({
        url: testApp.baseUrl,
        key: 'ty_not-a-key-at-all-0000000000',
      });
      const refused = await rejection(stranger.submitFile(big, { type: 'csv.import' }));
      expect(refused).toMatchObject({ status: 401 });
      const wrongType = await rejection(
        client.submitFile(big, { type: 'csv.import', fileName: 'big.png', mediaType: 'image/png' }),
      );
      expect(wrongType).toMatchObject({ status: 415 });
    });

    it('a source that fails during the upload: its own error, not a connection error', async () => {
      const error = await rejection(
        client.submitFile(failingSource(), { ...IMPORT, fileName: 'a.csv' }),
      );
      expect(error).toMatchObject({ message: 'the disk went away' });
    });

    it('an upload slower than the timeout in all, but never silent that long: no timeout', async () => {
      const pieces = 8;
      async function* trickle(): AsyncGenerator<Uint8Array> {
        yield new TextEncoder().encode('id,name,born\n');
        for (let i = 1; i <= pieces; i++) {
          await delay(500);
          yield new TextEncoder().encode(`${i},Person ${i},1815-12-10\n`);
        }
      }
      const task = await client.submitFile(
        trickle(),
        { ...IMPORT, fileName: 'slow.csv' },
        { timeoutMs: 2000 },
      );
      expect(await client.wait(task.id)).toMatchObject({ result: { rowsLoaded: pieces } });
    });

    it('a closed port: TaskyardConnectionError naming the URL, without waiting for the timeout', async () => {
      const url = `http://127.0.0.1:${await closedPort()}`;
      const down = new Taskyard({ url, key, timeoutMs: 120_000 });
      const error = await rejection(down.getTask(crypto.randomUUID()));
      expect(error).toBeInstanceOf(TaskyardConnectionError);
      expect(error).toMatchObject({ timedOut: false, url: expect.stringContaining(url) });
      expect((error as Error).message).toMatch(
        new RegExp(`^cannot reach a Taskyard service at ${url}/api/v1/tasks/.*ECONNREFUSED`),
      );
      const followed = await rejection(collect(down.follow(crypto.randomUUID())));
      expect(followed).toBeInstanceOf(TaskyardConnectionError);
    }, 20_000);

    it('a call past its timeout: TaskyardConnectionError that says it timed out', async () => {
      const task = await sleepTask();
      await running(task.id); // else its start would answer the long poll
      try {
        const held = await rejection(client.getTask(task.id, { waitS: 20, timeoutMs: 300 }));
        expect(held).toBeInstanceOf(TaskyardConnectionError);
        expect(held).toMatchObject({ timedOut: true });
        expect((held as Error).message).toMatch(/^no answer from http:.* within 300 ms$/);
        expect(await rejection(client.wait(task.id, { timeoutMs: 300 }))).toMatchObject({
          timedOut: true,
        });
      } finally {
        await client.cancelTask(task.id);
      }
    });

    it('an aborted signal: the call rejects with an AbortError', async () => {
      const task = await sleepTask();
      try {
        const before = new AbortController();
        before.abort();
        const early = await rejection(client.getTask(task.id, { signal: before.signal }));
        expect(early).toMatchObject({ name: 'AbortError' });

        const during = new AbortController();
        const held = client.getTask(task.id, { waitS: 20, signal: during.signal });
        setTimeout(() => during.abort(), 100);
        expect(await rejection(held)).toMatchObject({ name: 'AbortError' });

        for (const transport of ['websocket', 'polling'] as const) {
          const following = new AbortController();
          const seen: string[] = [];
          const stopped = await rejection(
            (async () => {
              for await (const event of client.follow(task.id, {
                transport,
                signal: following.signal,
              })) {
                seen.push(event.kind);
                if (event.kind === 'started') following.abort();
              }
            })(),
          );
          expect(stopped).toMatchObject({ name: 'AbortError' });
          expect(seen).toEqual(['created', 'started']);
          const none = await rejection(
            collect(client.follow(task.id, { transport, signal: before.signal })),
          );
          expect(none).toMatchObject({ name: 'AbortError' });
        }
      } finally {
        await client.cancelTask(task.id);
      }
    });
  });

  it('lists the task types with their input and options schema', async () => {
    const types = await client.taskTypes();
    expect(types.map((t) => t.type)).toEqual(BUILT_IN_TYPES);
    const csv = types.find((t) => t.type === 'csv.import');
    expect(csv).toMatchObject({ input: 'file', options: { additionalProperties: false } });
    expect(csv?.mediaTypes).toContain('text/csv');
    expect(types.find((t) => t.type === 'echo')).toEqual({
      type: 'echo',
      input: 'payload',
      mediaTypes: [],
      options: { type: 'object', properties: {}, additionalProperties: false },
    });
  });

  it('reads the input file and the rows a csv.import loaded, page by page', async () => {
    const csv = 'n,word\n1,one\n2,two\n3,three\n';
    const task = await client.submitFile(new Blob([csv], { type: 'text/csv' }), {
      type: 'csv.import',
      fileName: 'words.csv',
    });
    expect((await client.wait(task.id)).status).toBe('succeeded');
    const first = await client.importRows(task.id, { limit: 2 });
    expect(first.columns.map((c) => c.name)).toEqual(['n', 'word']);
    expect(first.items.map((row) => row.word)).toEqual(['one', 'two']);
    expect(first.nextCursor).toEqual(expect.any(String));
    const rest = await client.importRows(task.id, { after: first.nextCursor ?? undefined });
    expect(rest).toMatchObject({ items: [{ _line: 4, word: 'three' }], nextCursor: null });
    expect(await client.getFile(task.inputFileId ?? '')).toMatchObject({
      name: 'words.csv',
      mediaType: 'text/csv',
      size: csv.length,
    });
  });

  it('manages keys and queues with an admin key', async () => {
    const made = await admin.createKey({ tenant: 'sdk-keys', name: 'short-lived' });
    expect(made).toMatchObject({ tenant: 'sdk-keys', role: 'user', key: expect.any(String) });
    const listed = await admin.listKeys({ tenant: 'sdk-keys' });
    expect(listed.map((k) => k.id)).toEqual([made.id]);
    await admin.revokeKey(made.id);
    const revoked = new Taskyard({ url: testApp.baseUrl, key: made.key });
    expect(await rejection(revoked.listTasks())).toMatchObject({ status: 401 });

    const queues = await admin.listQueues();
    const [queue] = queues;
    expect(queue).toMatchObject({ name: expect.any(String), paused: false });
    expect(await admin.pauseQueue(queue.name)).toMatchObject({ name: queue.name, paused: true });
    expect(await admin.resumeQueue(queue.name)).toMatchObject({ paused: false });
    expect(await rejection(client.listQueues())).toMatchObject({ status: 404 });
  });

  it('lists the worker processes with an admin key, filtered by status', async () => {
    const workers = await admin.listWorkers();
    expect(workers).toContainEqual(
      expect.objectContaining({ pid: process.pid, status: 'alive', role: 'all', goneAt: null }),
    );
    expect(await admin.listWorkers({ status: 'alive' })).toEqual(
      workers.filter((w) => w.status === 'alive'),
    );
    expect(await admin.listWorkers({ status: 'gone' })).toEqual(
      workers.filter((w) => w.status === 'gone'),
    );
    expect(await rejection(client.listWorkers())).toMatchObject({ status: 404 });
  });
});
