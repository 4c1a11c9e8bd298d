import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { withFreshDatabase } from './databases.js';
import { parseTask, taskEvents, waitForSuccess } from './tasks-api.js';
import { CpuMeter, type CpuUse, databaseNameOf } from './tasks-cpu.js';
import type { HttpClient } from './tasks-http.js';
import { MB } from './tasks-upload.js';

const run = promisify(execFile);

export const PSQL = process.env.PSQL || '/usr/bin/psql';

/** The declared columns of the import, and the reference table's equivalent. */
export const CSV_COLUMNS = [
  { name: 'id', type: 'int', nullable: false },
  { name: 'name', type: 'text', nullable: true },
  { name: 'price', type: 'float', nullable: true },
  { name: 'active', type: 'bool', nullable: true },
  { name: 'day', type: 'date', nullable: true },
] as const;

const REFERENCE_TABLE =
  'CREATE TABLE bench_ref (id bigint NOT NULL, name text, price double precision, ' +
  'active boolean, day date)';

const NAMES = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel'];
const DAY_MS = 86_400_000;
const FIRST_DAY = Date.UTC(2000, 0, 1);

/** `rows` rows (plus a header) of id,name,price,active,day; a few names quoted. Its size. */
export async function generateCsv(file: string, rows: number): Promise<number> {
  const out = createWriteStream(file);
  let chunk = 'id,name,price,active,day\n';
  for (let i = 1; i <= rows; i++) {
    const word = NAMES[i % NAMES.length];
    const name = i % 10 === 0 ? `"${word}, item ${i}"` : `${word} item ${i}`;
    const price = ((i * 7919) % 1_000_000) / 100;
    const active = i % 3 === 0 ? 'false' : 'true';
    const day = new Date(FIRST_DAY + (i % 9000) * DAY_MS).toISOString().slice(0, 10);
    chunk += `${i},${name},${price},${active},${day}\n`;
    if (chunk.length >= 1 << 20) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
  return (await stat(file)).size;
}

export interface PsqlReference {
  /** Wall clock of `psql -c "\copy …"`, psql start-up included. */
  seconds: number;
  /** Wall clock of `psql -c "SELECT 1"`: the start-up and connection part of the above. */
  startupSeconds: number;
  rowsPerSecond: number;
  mbPerSecond: number;
  cpu: CpuUse;
}

async function timed(args: string[]): Promise<number> {
  const started = performance.now();
  await run(PSQL, args, { maxBuffer: 16 * 1024 * 1024 });
  return (performance.now() - started) / 1000;
}

/** psql \copy of the file into an equivalent table created just before, on a fresh database. */
export async function measurePsqlCopy(
  serverUrl: string,
  file: string,
  rows: number,
  bytes: number,
): Promise<PsqlReference> {
  return withFreshDatabase(serverUrl, ['tasks', 'psql'], async (url) => {
    const startups: number[] = [];
    for (let i = 0; i < 3; i++) startups.push(await timed([url, '-X', '-Atc', 'SELECT 1']));
    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(REFERENCE_TABLE);
      const meter = new CpuMeter(undefined, databaseNameOf(url));
      const seconds = await timed([
        url,
        '-X',
        '-v',
        'ON_ERROR_STOP=1',
        '-c',
        `\\copy bench_ref(id,name,price,active,day) FROM '${file}' WITH (FORMAT csv, HEADER true)`,
      ]);
      const cpu = meter.read();
      const counted = await client.query<{ n: string }>('SELECT count(*) AS n FROM bench_ref');
      if (Number(counted.rows[0].n) !== rows) {
        throw new Error(`psql \\copy loaded ${counted.rows[0].n} rows, not ${rows}`);
      }
      return {
        seconds,
        startupSeconds: Math.min(...startups),
        rowsPerSecond: rows / seconds,
        mbPerSecond: bytes / MB / seconds,
        cpu,
      };
    } finally {
      await client.end();
    }
  });
}

export interface CsvImportResult {
  rows: number;
  bytes: number;
  /** From the task's `started` event to its `succeeded` event (server clock). */
  taskSeconds: number;
  /** From sending POST /tasks to seeing the task succeeded. */
  wallSeconds: number;
  /** POST /tasks (upload and task creation) until its 202. */
  requestSeconds: number;
  /** From the `created` event to the `started` event: waiting in the queue. */
  queuedSeconds: number;
  progressEvents: number;
  /** Which parser loaded the table (result.parser): PostgreSQL's COPY … FORMAT csv, or Node's. */
  parser: string;
  rowsPerSecond: number;
  mbPerSecond: number;
  wallRowsPerSecond: number;
  cpu: CpuUse;
}

/** One multipart POST /tasks with the file and type csv.import, then waits for it to succeed. */
export async function measureCsvImport(
  client: HttpClient,
  service: { pid: number; databaseUrl: string },
  input: { file: string; rows: number; bytes: number },
): Promise<CsvImportResult> {
  const started = performance.now();
  const response = await client.postMultipart(
    '/api/v1/tasks',
    { type: 'csv.import', options: JSON.stringify({ header: true, columns: CSV_COLUMNS }) },
    { path: input.file, name: 'rows.csv', mediaType: 'text/csv' },
  );
  const requestSeconds = (performance.now() - started) / 1000;
  const created = parseTask(response, 'POST /api/v1/tasks (csv.import)');
  const meter = new CpuMeter(service.pid, databaseNameOf(service.databaseUrl));
  const { task } = await waitForSuccess(client, created, 30);
  const wallSeconds = (performance.now() - started) / 1000;
  const cpu = meter.read();
  const result = task.result as { rowsLoaded?: number; rowsRejected?: number; parser?: string };
  if (result.rowsLoaded !== input.rows || result.rowsRejected !== 0) {
    throw new Error(
      `csv.import loaded ${result.rowsLoaded} rows and rejected ${result.rowsRejected}; ` +
        `the file has ${input.rows}`,
    );
  }
  const events = await taskEvents(client, task.id);
  const at = (kind: string): number => {
    const event = events.findLast((e) => e.kind === kind);
    if (!event) throw new Error(`task ${task.id} has no ${kind} event`);
    return Date.parse(event.at);
  };
  const taskSeconds = (at('succeeded') - at('started')) / 1000;
  return {
    rows: input.rows,
    bytes: input.bytes,
    taskSeconds,
    wallSeconds,
    requestSeconds,
    progressEvents: events.filter((e) => e.kind === 'progress').length,
    parser: result.parser ?? 'unknown',
    queuedSeconds: (at('started') - at('created')) / 1000,
    rowsPerSecond: input.rows / taskSeconds,
    mbPerSecond: input.bytes / MB / taskSeconds,
    wallRowsPerSecond: input.rows / wallSeconds,
    cpu,
  };
}
