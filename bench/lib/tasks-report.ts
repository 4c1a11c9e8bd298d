import { formatCount, formatMeasure, formatRatio } from './format.js';
import { renderTable } from './table.js';
import { type CpuUse, describeCpu } from './tasks-cpu.js';
import type { PsqlReference, CsvImportResult } from './tasks-csv.js';
import type { EchoResult, Percentiles } from './tasks-echo.js';
import type { ClientUpload } from './tasks-client-upload.js';
import type { HttpCeiling, SinkUpload } from './tasks-http-ceiling.js';
import { type CopyReference, MB, type UploadResult } from './tasks-upload.js';

/** A measurement's result, or why there is none. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; error: string };

export interface EchoOutcome {
  echo: EchoResult;
  http: HttpCeiling;
  /** pgbench, 50 clients: single-row INSERT + NOTIFY commits per second ("n/a (...)" if none). */
  insertNotifyTps: string;
  insertTps: string;
}

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

function echoRows(outcome: Outcome<EchoOutcome>, clients: number): Row[] {
  const label = `echo tasks, ${clients} clients (tasks/s)`;
  if (!outcome.ok) return [failed(label, outcome.error)];
  const { echo, http, insertNotifyTps } = outcome.value;
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
      reference: '',
      ratio: '',
      goal: '',
      met: '',
    },
    {
      measurement: 'echo end-to-end latency p50 / p95 / p99 (ms)',
      taskyard: ms(echo.endToEndMs),
      reference: '',
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

function clientLine(name: string, bytes: number, client: ClientUpload): string {
  return (
    `${name}: ${formatCount(bytes / MB)} MB in ${formatMeasure(client.seconds)} s; RSS idle ` +
    `${formatMeasure(client.idleRss / MB)} MB, peak ${formatMeasure(client.peakRss / MB)} MB ` +
    `(${client.rssSamples} samples during the upload)`
  );
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

/** Details behind the table: durations, polls, CPU use of each phase. */
export function detailLines(results: TasksResults): string[] {
  const lines: string[] = [];
  const cpu = (label: string, use: CpuUse): void => {
    lines.push(`${label}: ${describeCpu(use)}`);
  };
  if (results.echo?.ok) {
    const { echo, http, insertTps } = results.echo.value;
    lines.push(
      `echo: ${formatCount(echo.tasks)} tasks in ${formatMeasure(echo.seconds)} s` +
        `${echo.timeLimited ? ' (stopped by the time limit, BENCH_ECHO_TIME_LIMIT_S)' : ''}, ` +
        `${echo.pollsPerTask.toFixed(2)} GETs per task (${formatCount(echo.notModified)} answered 304, ` +
        `the slowest after ${formatMeasure(echo.notModifiedMaxMs)} ms); ` +
        `slowest task end to end ${formatMeasure(echo.endToEndMaxMs)} ms; ` +
        `pgbench single-row INSERT commits/s: ${insertTps}`,
    );
    cpu('echo', echo.cpu);
    const msPerTask = (cores: number): string =>
      formatMeasure((cores * echo.cpu.seconds * 1000) / echo.tasks);
    const totalMs =
      (echo.cpu.service + echo.cpu.postgres + echo.cpu.bench) * echo.cpu.seconds * 1000;
    lines.push(
      `echo CPU per task: service ${msPerTask(echo.cpu.service)} ms, PostgreSQL ` +
        `${msPerTask(echo.cpu.postgres)} ms, bench client ${msPerTask(echo.cpu.bench)} ms: at that ` +
        `cost ${echo.cpu.cpus} CPUs top out near ${formatCount((echo.cpu.cpus * 1000 * echo.tasks) / totalMs)} tasks/s`,
    );
    const db = echo.perTask;
    lines.push(
      `echo database work per task (pg_stat_database, approximate): ${db.commits.toFixed(1)} commits, ` +
        `${db.rollbacks.toFixed(2)} rollbacks, ${db.inserted.toFixed(1)} rows inserted, ` +
        `${db.updated.toFixed(1)} updated, ${db.deleted.toFixed(1)} deleted`,
    );
    cpu('bare node:http reference (server process)', http.cpu);
  }
  if (results.upload?.ok) {
    const { upload, copy } = results.upload.value;
    lines.push(
      `upload: ${formatCount(upload.bytes / MB)} MB in ${formatMeasure(upload.seconds)} s; ` +
        `cp ${formatMeasure(copy.seconds)} s; ${upload.rssSamples} RSS samples during the upload`,
    );
    cpu('upload', upload.cpu);
    cpu('bare HTTP sink upload (server process)', results.upload.value.sink.cpu);
    const { sdk, curl } = results.upload.value;
    if (sdk.ok) lines.push(clientLine('SDK uploadFile', upload.bytes, sdk.value));
    if (curl?.ok) lines.push(clientLine('curl -sf -F', upload.bytes, curl.value));
  }
  if (results.csv?.ok) {
    const { csv, psql } = results.csv.value;
    lines.push(
      `csv.import: ${formatMeasure(csv.bytes / MB)} MB; POST (upload + create) ` +
        `${formatMeasure(csv.requestSeconds)} s, queued ${formatMeasure(csv.queuedSeconds * 1000)} ms, ` +
        `started→succeeded ${formatMeasure(csv.taskSeconds)} s, wall ${formatMeasure(csv.wallSeconds)} s ` +
        `(${formatCount(csv.wallRowsPerSecond)} rows/s), ${csv.progressEvents} progress events`,
    );
    lines.push(
      `psql \\copy: ${formatMeasure(psql.seconds)} s wall, of which start-up and connection ` +
        `~${formatMeasure(psql.startupSeconds * 1000)} ms (psql -c 'SELECT 1', best of 3)`,
    );
    cpu('csv.import (from the 202 to succeeded)', csv.cpu);
    cpu('psql \\copy', psql.cpu);
  }
  return lines;
}
