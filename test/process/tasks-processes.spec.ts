import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { ADMIN, TEST_ADMIN_KEY } from '../support/auth.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import {
  blobPathOf,
  copiesUnderWay,
  holdBlob,
  pauseQueue,
  waitForCopyToEnd,
} from '../support/held-input.js';
import { listeningPort, spawnService, type ServiceProcess } from '../support/service-process.js';
import {
  getTask,
  procCpuSeconds,
  procStatusBytes,
  sampleRss,
  taskEvents,
  uploadCsvTask,
  waitForTaskStatus,
  writeCsv,
} from '../support/task-processes.js';
import { waitFor } from '../support/wait.js';

const BIG_ROWS = 3_500_000;
const MEDIUM_ROWS = 1_500_000;
const MB = 1024 * 1024;

const HELD_COLUMNS = [
  { name: 'n', type: 'int' },
  { name: 'word', type: 'text' },
];
/** Rows for a held import: more than one 256 Ki-character chunk of COPY data. */
const heldRows = (from: number, count: number): string =>
  Array.from({ length: count }, (_, i) => `${from + i},row ${from + i} of a held import\n`).join(
    '',
  );

const tableOf = (taskId: string) => `imports."task_${taskId.replaceAll('-', '')}"`;
/** Running, with at least one progress event: the COPY is under way. */
const importUnderWay = (baseUrl: string, id: string) =>
  waitFor(
    'the import to report progress',
    async () =>
      (await getTask(baseUrl, id)).status === 'running' &&
      (await taskEvents(baseUrl, id)).some((e) => e.kind === 'progress'),
    30_000,
  );
/** A csv.import of `content` without a header (the header would be read on a stream of its own). */
const postHeldImport = async (baseUrl: string, content: string) =>
  (
    await request(baseUrl)
      .post('/api/v1/tasks')
      .set(ADMIN)
      .field('type', 'csv.import')
      .field('options', JSON.stringify({ header: false, columns: HELD_COLUMNS }))
      .attach('file', Buffer.from(content), { filename: 'held.csv', contentType: 'text/csv' })
      .expect(202)
  ).body as { id: string };
const postTask = async (baseUrl: string, body: object) =>
  (await request(baseUrl).post('/api/v1/tasks').set(ADMIN).send(body).expect(202)).body as {
    id: string;
  };

/** Tasks across real service processes (dist/main.js): API and workers apart, one DATA_DIR. */
describe('tasks across service processes', () => {
  let database: TestDatabase;
  let dataDir: string;
  let csvDir: string;
  let mediumCsv: string;
  const services: ServiceProcess[] = [];
  let sampler: { stop(): number } | undefined;

  const start = async (
    role: 'all' | 'api' | 'worker',
  ): Promise<{ service: ServiceProcess; baseUrl: string }> => {
    const service = spawnService({
      DATABASE_URL: database.url,
      DATA_DIR: dataDir,
      PORT: '0',
      HOST: '127.0.0.1',
      ROLE: role,
      LOG_LEVEL: 'info',
      ADMIN_API_KEY: TEST_ADMIN_KEY,
      RATE_LIMIT_PER_MINUTE: '0',
      WORKER_CONCURRENCY: '1',
      JOBS_LEASE_MS: '2000',
      JOBS_REAPER_INTERVAL_MS: '200',
      JOBS_POLL_INTERVAL_MS: '100',
    });
    services.push(service);
    return { service, baseUrl: `http://127.0.0.1:${await listeningPort(service)}` };
  };
  const count = async (sql: string) =>
    (await database.query<{ n: number }>(`SELECT (${sql})::int AS n`))[0]?.n;

  beforeAll(async () => {
    database = await createTestDatabase();
    dataDir = await mkdtemp(path.join(tmpdir(), 'taskyard-tasks-data-'));
    csvDir = await mkdtemp(path.join(tmpdir(), 'taskyard-tasks-csv-'));
    mediumCsv = path.join(csvDir, 'medium.csv');
    await writeCsv(mediumCsv, MEDIUM_ROWS);
  });
  afterEach(async () => {
    sampler?.stop();
    // DEBUG_LOGS=1 prints the end of each service's log, to see why a test failed.
    if (process.env.DEBUG_LOGS)
      for (const s of services) console.log(s.lines.slice(-60).join('\n'));
    await Promise.all(
      services.splice(0).map(async (service) => {
        service.child.kill('SIGTERM');
        const timer = setTimeout(() => service.child.kill('SIGKILL'), 10_000);
        await service.exited;
        clearTimeout(timer);
      }),
    );
  });
  afterAll(async () => {
    await database?.drop();
    await rm(dataDir, { recursive: true, force: true });
    await rm(csvDir, { recursive: true, force: true });
  });

  it('imports a 200 MB generated CSV with bounded memory', async () => {
    const file = path.join(csvDir, 'big.csv');
    const generating = Date.now();
    const bytes = await writeCsv(file, BIG_ROWS);
    console.log(
      `generated ${BIG_ROWS} rows, ${(bytes / MB).toFixed(1)} MiB in ${Date.now() - generating} ms`,
    );
    expect(bytes).toBeGreaterThan(190 * MB);

    const { service, baseUrl } = await start('all');
    const pid = service.child.pid!;
    sampler = sampleRss(pid);
    const uploading = Date.now();
    const created = await uploadCsvTask(baseUrl, file);
    const uploadMs = Date.now() - uploading;
    const task = await waitForTaskStatus(
      baseUrl,
      created.id,
      ['succeeded', 'failed', 'cancelled'],
      180_000,
    );
    const doneMs = Date.now() - uploading;
    const peakSampled = sampler.stop();
    const peak = await procStatusBytes(pid, 'VmHWM');
    const cpuS = await procCpuSeconds(pid);

    expect(task.status).toBe('succeeded');
    const result = task.result as { table: string; rowsLoaded: number; rowsRejected: number };
    const importMs = Date.parse(task.finishedAt!) - Date.parse(task.startedAt!);
    console.log(
      [
        `upload ${uploadMs} ms (${((bytes / MB / uploadMs) * 1000).toFixed(0)} MiB/s)`,
        `import ${importMs} ms (${Math.round((BIG_ROWS / importMs) * 1000)} rows/s)`,
        `upload to succeeded ${doneMs} ms; service CPU time ${cpuS.toFixed(1)} s`,
        `peak RSS (VmHWM) ${(peak / MB).toFixed(0)} MiB, largest VmRSS sample ${(peakSampled / MB).toFixed(0)} MiB`,
      ].join('\n'),
    );
    expect(result.rowsLoaded).toBe(BIG_ROWS);
    expect(result.rowsRejected).toBe(0);
    expect(await count(`SELECT count(*) FROM ${result.table}`)).toBe(BIG_ROWS);
    const [sums] = await database.query<{ ids: string; active: number }>(
      `SELECT sum(id)::text AS ids, count(*) FILTER (WHERE active)::int AS active FROM ${result.table}`,
    );
    expect(sums).toEqual({ ids: String((BIG_ROWS * (BIG_ROWS - 1)) / 2), active: BIG_ROWS / 2 });
    expect(peak).toBeGreaterThan(0);
    expect(peak).toBeLessThan(400 * MB);
    await rm(file, { force: true });
  }, 240_000);

  it('finishes a csv.import on a second worker after the first is killed with -9 mid-import', async () => {
    const { baseUrl } = await start('api');
    const { service: first } = await start('worker');
    const created = await uploadCsvTask(baseUrl, mediumCsv);
    await importUnderWay(baseUrl, created.id);
    expect(first.child.kill('SIGKILL')).toBe(true);
    await first.exited;
    await start('worker');

    const task = await waitForTaskStatus(
      baseUrl,
      created.id,
      ['succeeded', 'failed', 'cancelled'],
      60_000,
    );
    expect(task.status).toBe('succeeded');
    expect(task.attempts).toBe(2);
    const events = await taskEvents(baseUrl, created.id);
    expect(events.filter((e) => e.kind === 'started').map((e) => e.data?.attempt)).toEqual([1, 2]);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    const { table, rowsLoaded } = task.result as { table: string; rowsLoaded: number };
    expect(table).toBe(tableOf(created.id));
    expect(rowsLoaded).toBe(MEDIUM_ROWS);
    expect(await count(`SELECT count(*) FROM ${table}`)).toBe(MEDIUM_ROWS);
    expect(
      await count(
        `SELECT count(*) FROM (SELECT id FROM ${table} GROUP BY 1 HAVING count(*) > 1) d`,
      ),
    ).toBe(0);
    expect(await count(`SELECT count(DISTINCT id) FROM ${table}`)).toBe(MEDIUM_ROWS);
  }, 90_000);

  it('cancels a running csv.import from the API process: its COPY stops, and the worker goes on', async () => {
    const { baseUrl } = await start('api');
    await start('worker');
    // The input is swapped for a FIFO before the task may start: the import cannot end by itself.
    const content = `0,${randomUUID()}\n`;
    await pauseQueue(baseUrl, 'tasks', true);
    const created = await postHeldImport(baseUrl, content);
    const input = await holdBlob(blobPathOf(dataDir, content));
    try {
      await pauseQueue(baseUrl, 'tasks', false);
      await waitFor('the COPY to start', async () => (await copiesUnderWay(database)).length === 1);
      await input.write(heldRows(1, 20_000));
      await waitFor(
        'rows to reach the COPY',
        async () => (await copiesUnderWay(database))[0]?.rows,
      );

      await request(baseUrl).post(`/api/v1/tasks/${created.id}/cancel`).set(ADMIN).expect(202);
      const task = await waitForTaskStatus(
        baseUrl,
        created.id,
        ['succeeded', 'failed', 'cancelled'],
        10_000,
      );
      expect(task.status).toBe('cancelled');
      // More input, never its end: only the abort, carried to the worker, can end this COPY.
      await waitForCopyToEnd(database, input, '1,more\n');
    } finally {
      await input.close();
    }
    const [row] = await database.query<{ t: string | null }>('SELECT to_regclass($1)::text AS t', [
      tableOf(created.id),
    ]);
    expect(row?.t).toBeNull();
    // The job is over for good: no reaper or worker can bring the import back.
    const [job] = await database.query<{ status: string; lease_owner: string | null }>(
      'SELECT j.status, j.lease_owner FROM jobs j JOIN tasks t ON t.job_id = j.id WHERE t.id = $1',
      [created.id],
    );
    expect(job).toEqual({ status: 'cancelled', lease_owner: null });

    // The worker (concurrency 1) is free again: the import's slot was given back.
    const echo = await postTask(baseUrl, { type: 'echo', payload: { after: 'cancel' } });
    const done = await waitForTaskStatus(baseUrl, echo.id, ['succeeded', 'failed'], 10_000);
    expect(done.status).toBe('succeeded');
    expect(done.result).toEqual({ after: 'cancel' });
    expect((await getTask(baseUrl, created.id)).status).toBe('cancelled');
  }, 90_000);

  it('runs an echo task end to end across API and worker processes, and stops a cancelled sleep', async () => {
    const { baseUrl } = await start('api');
    const { service: worker } = await start('worker');
    const payload = { hello: 'world', n: [1, 2, 3], nested: { ok: true } };
    const echo = await postTask(baseUrl, { type: 'echo', payload });
    const echoed = await waitForTaskStatus(baseUrl, echo.id, ['succeeded', 'failed'], 10_000);
    expect(echoed.status).toBe('succeeded');
    expect(echoed.result).toEqual(payload);
    expect((await taskEvents(baseUrl, echo.id)).map((e) => e.kind)).toEqual([
      'created',
      'started',
      'succeeded',
    ]);

    const sleep = await postTask(baseUrl, { type: 'sleep', options: { ms: 20_000 } });
    await waitFor(
      'the sleep to report progress',
      async () => (await taskEvents(baseUrl, sleep.id)).some((e) => e.kind === 'progress'),
      15_000,
    );
    await request(baseUrl).post(`/api/v1/tasks/${sleep.id}/cancel`).set(ADMIN).expect(202);
    const cancelled = await waitForTaskStatus(
      baseUrl,
      sleep.id,
      ['succeeded', 'failed', 'cancelled'],
      15_000,
    );
    expect(cancelled.status).toBe('cancelled');
    // The worker's only slot is free again: the next task ends before the sleep would have.
    const next = await postTask(baseUrl, { type: 'echo', payload: { next: true } });
    const nextDone = await waitForTaskStatus(baseUrl, next.id, ['succeeded', 'failed'], 15_000);
    expect(nextDone.status).toBe('succeeded');
    expect(Date.parse(nextDone.finishedAt!)).toBeLessThan(
      Date.parse(cancelled.startedAt!) + 20_000,
    );
    const [job] = await database.query<{ status: string; lease_owner: string | null }>(
      'SELECT j.status, j.lease_owner FROM jobs j JOIN tasks t ON t.job_id = j.id WHERE t.id = $1',
      [sleep.id],
    );
    expect(job).toEqual({ status: 'cancelled', lease_owner: null });
    expect(worker.child.exitCode).toBeNull();
  }, 60_000);
});
