import { formatCount, formatMeasure, formatRatio } from './format.js';
import { renderTable } from './table.js';
import type { PsqlReference, CsvImportResult } from './tasks-csv.js';
import { cpuMsPerTask } from './tasks-cpu.js';
import type { EchoResult } from './tasks-echo.js';
import type { Percentiles } from './tasks-echo-loops.js';
import type { ClientUpload } from './tasks-client-upload.js';
import type { HttpCeiling, SinkUpload } from './tasks-http-ceiling.js';
import type { ReferenceResult } from './tasks-reference.js';
import { type CopyReference, MB, type UploadResult } from './tasks-upload.js';

/** A measurement's result, or why there is none. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; error: string };

export interface EchoOutcome {
  echo: EchoResult;
  http: HttpCeiling;
  /** pgbench, 50 clients: single-row INSERT + NOTIFY commits per second ("n/a (...)" if none). */
  insertNotifyTps: string;
  insertTps: string;
  /** The NestJS + BullMQ service on Redis, or why it was not measured. */
  reference: Outcome<ReferenceResult> | { skipped: string };
}

/** Taskyard's echo throughput over the reference's: at least this. */
export const REFERENCE_GOAL = 1.5;

export interface UploadOutcome {
  upload: UploadResult;
  copy: CopyReference;
  sink: SinkUpload;
  sdk: Outcome<ClientUpload>;
  /** Absent when curl is not installed. */
  curl?: Outcome<ClientUpload>;
}

export interface CsvOutcome {
  csv: CsvImportResult;
  psql: PsqlReference;
}

export interface TasksResults {
  echo?: Outcome<EchoOutcome>;
  upload?: Outcome<UploadOutcome>;
  csv?: Outcome<CsvOutcome>;
}

/** One line of the results table. */
export interface Row {
  measurement: string;
  taskyard: string;
  reference: string;
  ratio: string;
  goal: string;
  met: string;
}

const HEADER = ['measurement', 'Taskyard', 'reference, same run', 'ratio', 'goal', 'met'];

function met(ok: boolean): string {
  return ok ? 'yes' : 'NO';
}

function ms(p: Percentiles): string {
  return `${formatMeasure(p.p50)} / ${formatMeasure(p.p95)} / ${formatMeasure(p.p99)}`;
}

function tps(text: string): number {
  return /^[\d,]+$/.test(text) ? Number(text.replaceAll(',', '')) : Number.NaN;
}

function failed(measurement: string, error: string): Row {
  return { measurement, taskyard: 'failed', reference: error, ratio: '', goal: '', met: 'NO' };
}

/** A cell for the reference column: `figure` of the reference (empty without one: its row says why). */
function referenceCell(
  reference: EchoOutcome['reference'],
  figure: (value: ReferenceResult) => string,
): string {
  if ('skipped' in reference || !reference.ok) return '';
  return `NestJS + BullMQ: ${figure(reference.value)}`;
}

function referenceRow(echo: EchoResult, reference: EchoOutcome['reference']): Row {
  const row = {
    measurement: 'echo tasks vs NestJS + @nestjs/bullmq on Redis (tasks/s)',
    taskyard: formatCount(echo.tasksPerSecond),
    goal: `>= ${formatRatio(REFERENCE_GOAL)} (Taskyard ÷ BullMQ)`,
  };
  if ('skipped' in reference) {
    return { ...row, reference: reference.skipped, ratio: '', met: 'n/a' };
  }
  if (!reference.ok) {
    return { ...row, reference: `reference failed: ${reference.error}`, ratio: '', met: 'n/a' };
  }
  const ratio = echo.tasksPerSecond / reference.value.tasksPerSecond;
  return {
    ...row,
    reference: referenceCell(reference, (value) => formatCount(value.tasksPerSecond)),
    ratio: formatRatio(ratio),
    met: met(ratio >= REFERENCE_GOAL),
  };
}

/** "service / store (store name)" CPU ms per task of an echo run. */
function cpuPerTask(run: EchoResult | ReferenceResult, name: string, store?: number): string {
  const perTask = (cores: number): string => formatMeasure(cpuMsPerTask(cores, run.cpu, run.tasks));
  const storeMs = store === undefined ? 'not metered' : perTask(store);
  return `${perTask(run.cpu.service)} / ${storeMs} (${name})`;
}

function echoRows(outcome: Outcome<EchoOutcome>, clients: number): Row[] {
  const label = `echo tasks, ${clients} clients (tasks/s)`;
  if (!outcome.ok) return [failed(label, outcome.error)];
  const { echo, http, insertNotifyTps, reference } = outcome.value;
  const ceiling = tps(insertNotifyTps);
  const requestsPerSecond = echo.tasksPerSecond * (1 + echo.pollsPerTask);
  return [
    {
      measurement: label,
      taskyard: formatCount(echo.tasksPerSecond),
      reference: `pgbench INSERT+NOTIFY commits/s: ${insertNotifyTps}`,
      ratio: Number.isNaN(ceiling) ? 'n/a' : formatRatio(echo.tasksPerSecond / ceiling),
      goal: '>= 1,500 tasks/s',
      met: met(echo.tasksPerSecond >= 1500),
    },
    referenceRow(echo, reference),
    {
      measurement: 'echo: HTTP requests/s the service answered',
      taskyard: formatCount(requestsPerSecond),
      reference: `bare node:http server: ${formatCount(http.requestsPerSecond)} req/s`,
      ratio: formatRatio(requestsPerSecond / http.requestsPerSecond),
      goal: '',
      met: '',
    },
    {
      measurement: 'echo create latency p50 / p95 / p99 (ms)',
      taskyard: ms(echo.createMs),
      reference: referenceCell(reference, (value) => ms(value.createMs)),
      ratio: '',
      goal: '',
      met: '',
    },
    {
      measurement: 'echo end-to-end latency p50 / p95 / p99 (ms)',
      taskyard: ms(echo.endToEndMs),
      reference: referenceCell(reference, (value) => ms(value.endToEndMs)),
      ratio: '',
      goal: '',
      met: '',
    },
    {
      measurement: 'echo CPU per task, service / its store (ms)',
      taskyard: cpuPerTask(echo, 'PostgreSQL', echo.cpu.postgres),
      reference: referenceCell(reference, (value) =>
        cpuPerTask(value, 'redis-server', value.cpu.redis),
      ),
      ratio: '',
      goal: '',
      met: '',
    },
  ];
}

function uploadRows(outcome: Outcome<UploadOutcome>, uploadMb: number): Row[] {
  const label = `upload POST /files, ${formatCount(uploadMb)} MB (MB/s)`;
  if (!outcome.ok) return [failed(label, outcome.error)];
  const { upload, copy, sink } = outcome.value;
  const ratio = upload.mbPerSecond / copy.mbPerSecond;
  const sinkMbPerSecond = upload.bytes / MB / sink.seconds;
  return [
    {
      measurement: label,
      taskyard: formatCount(upload.mbPerSecond),
      reference: `cp on the same disk: ${formatCount(copy.mbPerSecond)} MB/s`,
      ratio: formatRatio(ratio),
      goal: '>= 0.50x cp',
      met: met(ratio >= 0.5),
    },
    {
      measurement: 'upload: the same request to a bare HTTP sink (MB/s)',
      taskyard: formatCount(upload.mbPerSecond),
      reference: `node:http server that only reads: ${formatCount(sinkMbPerSecond)} MB/s`,
      ratio: formatRatio(upload.mbPerSecond / sinkMbPerSecond),
      goal: '',
      met: '',
    },
    {
      measurement: 'upload: service peak RSS growth (MB)',
      taskyard: formatMeasure(upload.rssGrowth / MB),
      reference: `baseline ${formatCount(upload.baselineRss / MB)} MB, peak ${formatCount(upload.peakRss / MB)} MB`,
      ratio: '',
      goal: '< 100 MB',
      met: met(upload.rssGrowth < 100 * MB),
    },
    ...clientRows(outcome.value),
  ];
}

function curlFigure(curl: UploadOutcome['curl'], figure: (value: ClientUpload) => string): string {
  if (!curl) return 'curl: not installed, skipped';
  return curl.ok ? `curl -F: ${figure(curl.value)}` : `curl failed: ${curl.error}`;
}

function clientRows({ sdk, curl }: UploadOutcome): Row[] {
  const label = 'upload: SDK uploadFile, own process (MB/s)';
  if (!sdk.ok) return [failed(label, sdk.error)];
  return [
    {
      measurement: label,
      taskyard: formatCount(sdk.value.mbPerSecond),
      reference: curlFigure(curl, (value) => `${formatCount(value.mbPerSecond)} MB/s`),
      ratio: curl?.ok ? formatRatio(sdk.value.mbPerSecond / curl.value.mbPerSecond) : '',
      goal: '',
      met: '',
    },
    {
      measurement: 'upload: SDK process peak RSS growth (MB)',
      taskyard: formatMeasure(sdk.value.rssGrowth / MB),
      reference: curlFigure(curl, (value) => `+${formatMeasure(value.rssGrowth / MB)} MB`),
      ratio: '',
      goal: '',
      met: '',
    },
  ];
}

function csvRows(outcome: Outcome<CsvOutcome>, rows: number): Row[] {
  const label = `csv.import ${formatCount(rows)} rows, started→succeeded (rows/s)`;
  if (!outcome.ok) return [failed(label, outcome.error)];
  const { csv, psql } = outcome.value;
  const ratio = csv.rowsPerSecond / psql.rowsPerSecond;
  return [
    {
      measurement: label,
      taskyard: formatCount(csv.rowsPerSecond),
      reference: `psql \\copy: ${formatCount(psql.rowsPerSecond)} rows/s`,
      ratio: formatRatio(ratio),
      goal: '>= 0.70x psql',
      met: met(ratio >= 0.7),
    },
    {
      measurement: 'csv.import started→succeeded (MB/s)',
      taskyard: formatMeasure(csv.mbPerSecond),
      reference: `psql \\copy: ${formatMeasure(psql.mbPerSecond)} MB/s`,
      ratio: formatRatio(csv.mbPerSecond / psql.mbPerSecond),
      goal: '',
      met: '',
    },
    {
      measurement: 'csv.import request→succeeded, wall (s)',
      taskyard: formatMeasure(csv.wallSeconds),
      reference: `psql \\copy wall: ${formatMeasure(psql.seconds)} s (start-up ${formatMeasure(psql.startupSeconds * 1000)} ms)`,
      ratio: formatRatio(psql.seconds / csv.wallSeconds),
      goal: '',
      met: '',
    },
  ];
}

export function resultRows(
  results: TasksResults,
  sizes: { clients: number; uploadMb: number; csvRows: number },
): Row[] {
  return [
    ...(results.echo ? echoRows(results.echo, sizes.clients) : []),
    ...(results.upload ? uploadRows(results.upload, sizes.uploadMb) : []),
    ...(results.csv ? csvRows(results.csv, sizes.csvRows) : []),
  ];
}

function cells(row: Row): string[] {
  return [row.measurement, row.taskyard, row.reference, row.ratio, row.goal, row.met];
}

export function textTable(rows: Row[]): string {
  return renderTable(HEADER, rows.map(cells));
}

function markdownLine(row: string[]): string {
  return `| ${row.map((cell) => cell.replaceAll('|', '\\|')).join(' | ')} |`;
}

export function markdownTable(rows: Row[]): string {
  return [
    markdownLine(HEADER),
    markdownLine(HEADER.map((_, i) => (i === 0 ? '---' : '---:'))),
    ...rows.map((row) => markdownLine(cells(row))),
  ].join('\n');
}
