// Tasks benchmark: the real service (dist/main.js) over HTTP, beside a physical reference for each
// figure measured in the same run. Build and run: npm run bench:tasks (smoke: bench:tasks:smoke).
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { machineLines } from './lib/machine.js';
import { formatCount, formatSettings } from './lib/format.js';
import { measurePgbenchCeiling } from './lib/pgbench.js';
import { hasCurl, measureCurlUpload, measureSdkUpload } from './lib/tasks-client-upload.js';
import { measureHttpCeiling, measureSinkUpload } from './lib/tasks-http-ceiling.js';
import { type TasksBenchConfig, loadTasksConfig } from './lib/tasks-config.js';
import { generateCsv, measureCsvImport, measurePsqlCopy, PSQL } from './lib/tasks-csv.js';
import { probeRedis } from './lib/redis-server.js';
import { detailLines } from './lib/tasks-details.js';
import { measureEcho } from './lib/tasks-echo.js';
import type { EchoOptions } from './lib/tasks-echo-loops.js';
import { measureReference, REFERENCE_NOTE, referenceSettingsLine } from './lib/tasks-reference.js';
import {
  type CsvOutcome,
  type EchoOutcome,
  markdownTable,
  resultRows,
  type TasksResults,
  textTable,
  type UploadOutcome,
} from './lib/tasks-report.js';
import {
  BENCH_ADMIN_KEY,
  dataDirOf,
  type RunningService,
  type ServiceSettings,
  serviceEnvironment,
  startService,
} from './lib/tasks-service.js';
import {
  generateBinaryFile,
  MB,
  measureCopy,
  measureUpload,
  syncDisks,
} from './lib/tasks-upload.js';

import { attempt, print, progressLog, section } from './lib/console.js';

const run = promisify(execFile);
const REPO = fileURLToPath(new URL('../../', import.meta.url));

const progress = progressLog('bench:tasks');

/** Service warnings and errors (LOG_LEVEL=warn), kept for the notes. */
const serviceLog: string[] = [];

/** Runs `use` against a freshly started service, then stops it whatever happens. */
async function withService<T>(
  config: TasksBenchConfig,
  workDir: string,
  name: string,
  use: (service: RunningService) => Promise<T>,
): Promise<T> {
  const service = await startService(
    config.serverUrl,
    name,
    dataDirOf(workDir, name),
    serviceSettings(config),
  );
  progress(`${name}: service pid ${service.pid} ready on ${service.baseUrl}`);
  try {
    return await use(service);
  } finally {
    await service.stop();
    serviceLog.push(...service.lines.slice(0, 20).map((line) => `${name}: ${line}`));
  }
}

function serviceSettings(config: TasksBenchConfig): ServiceSettings {
  return {
    workerConcurrency: config.workerConcurrency,
    workerPrefetch: config.workerPrefetch,
    poolSize: config.poolSize,
    cpuProfileDir: config.cpuProfileDir,
    nodeArgs: config.serviceNodeArgs,
  };
}

function echoOptions(config: TasksBenchConfig): EchoOptions {
  return {
    tasks: config.echoTasks,
    warmup: config.echoWarmup,
    clients: config.clients,
    waitS: config.waitS,
    timeLimitS: config.echoTimeLimitS,
  };
}

/** The NestJS + BullMQ service driven by the same client loops, if a Redis answers. */
async function referenceScenario(config: TasksBenchConfig): Promise<EchoOutcome['reference']> {
  const redis = await probeRedis(config.redisUrl);
  if ('error' in redis) {
    const skipped = `reference skipped: no Redis at ${config.redisUrl} (${redis.error})`;
    progress(skipped);
    return { skipped };
  }
  progress(
    `reference: NestJS + BullMQ on Redis ${redis.version}, ${formatCount(config.echoWarmup)} ` +
      `warm-up then ${formatCount(config.echoTasks)} tasks`,
  );
  return attempt(progress, 'reference', () =>
    measureReference(redis, config.workerConcurrency, echoOptions(config), serviceLog),
  );
}

async function echoScenario(config: TasksBenchConfig, workDir: string): Promise<EchoOutcome> {
  progress(`pgbench ceiling, ${config.clients} clients, ${config.pgbenchSeconds} s per script`);
  const ceiling = await measurePgbenchCeiling(
    config.serverUrl,
    config.pgbenchSeconds,
    config.clients,
  );
  progress(`bare node:http ceiling, ${config.clients} clients, ${config.pgbenchSeconds} s`);
  const http = await measureHttpCeiling(config.clients, config.pgbenchSeconds);
  const echo = await withService(config, workDir, 'echo', (service) => {
    progress(
      `echo: ${formatCount(config.echoWarmup)} warm-up then ${formatCount(config.echoTasks)} tasks`,
    );
    return measureEcho(service.client, service, echoOptions(config));
  });
  const reference = await referenceScenario(config);
  return {
    echo,
    http,
    insertNotifyTps: ceiling.insertNotify,
    insertTps: ceiling.insert,
    reference,
  };
}

async function uploadScenario(config: TasksBenchConfig, workDir: string): Promise<UploadOutcome> {
  const bytes = config.uploadMb * MB;
  const file = path.join(workDir, 'upload.bin');
  const warmupFile = path.join(workDir, 'warmup.bin');
  progress(`upload: writing ${formatCount(config.uploadMb)} MB to ${file}`);
  const sha256 = await generateBinaryFile(file, bytes);
  await generateBinaryFile(warmupFile, MB);
  try {
    progress('upload: cp reference');
    const copy = await measureCopy(file, path.join(workDir, 'upload-copy.bin'), bytes);
    progress('upload: bare node:http sink reference');
    const sink = await measureSinkUpload(file);
    const curl = await hasCurl();
    return await withService(config, workDir, 'upload', async (service) => {
      await syncDisks();
      progress('upload: POST /api/v1/files');
      const input = { file, warmupFile, bytes, sha256 };
      const upload = await measureUpload(service.client, service, input);
      const target = { baseUrl: service.baseUrl, apiKey: BENCH_ADMIN_KEY };
      progress('upload: SDK uploadFile in a child process');
      const sdk = await attempt(progress, 'upload: SDK', () => measureSdkUpload(target, input));
      progress(curl ? 'upload: curl -F' : 'upload: curl not found, skipped');
      const curlUpload = curl
        ? await attempt(progress, 'upload: curl', () => measureCurlUpload(target, input))
        : undefined;
      return { upload, copy, sink, sdk, curl: curlUpload };
    });
  } finally {
    await rm(file, { force: true });
    await rm(warmupFile, { force: true });
  }
}

async function csvScenario(config: TasksBenchConfig, workDir: string): Promise<CsvOutcome> {
  const file = path.join(workDir, 'rows.csv');
  progress(`csv: writing ${formatCount(config.csvRows)} rows to ${file}`);
  const bytes = await generateCsv(file, config.csvRows);
  try {
    await syncDisks();
    progress(`csv: psql \\copy reference (${formatCount(bytes / MB)} MB)`);
    const psql = await measurePsqlCopy(config.serverUrl, file, config.csvRows, bytes);
    await syncDisks();
    const csv = await withService(config, workDir, 'csv', (service) => {
      progress('csv: POST /api/v1/tasks csv.import');
      return measureCsvImport(service.client, service, { file, rows: config.csvRows, bytes });
    });
    return { csv, psql };
  } finally {
    await rm(file, { force: true });
  }
}

async function build(config: TasksBenchConfig): Promise<string> {
  if (config.skipBuild) return 'dist/ used as it was (BENCH_SKIP_BUILD=1)';
  progress('npm run build');
  await run('npm', ['run', 'build', '--silent'], { cwd: REPO }).catch(
    (error: Error & { stdout?: string }) => {
      throw new Error(
        `npm run build failed (src/ as it is now):\n${error.stdout ?? error.message}`,
      );
    },
  );
  return 'dist/ rebuilt from src/ at the start of the run (npm run build)';
}

function settingsLines(config: TasksBenchConfig, workDir: string): string[] {
  const env = serviceEnvironment(serviceSettings(config));
  return [
    `service: node dist/main.js, one process, ${formatSettings(env)}`,
    `  PORT=<a free port> DATABASE_URL=<a fresh database per measurement> ` +
      `ADMIN_API_KEY=<fixed, 38 chars> DATA_DIR=${workDir}/data-<measurement>`,
    `echo: ${config.clients} client loops (POST /api/v1/tasks, then GET /api/v1/tasks/:id?until=finished ` +
      `Prefer: wait=${config.waitS} + If-None-Match until succeeded), ` +
      `${formatCount(config.echoWarmup)} warm-up + ${formatCount(config.echoTasks)} measured tasks ` +
      `(none started after ${config.echoTimeLimitS} s); ` +
      `node:http Agent keepAlive, maxSockets 128`,
    referenceSettingsLine(config.redisUrl, config.workerConcurrency, config.waitS),
    `upload: ${formatCount(config.uploadMb)} MB file in ${workDir}, multipart POST /api/v1/files ` +
      `streamed from disk after a 1 MB warm-up upload; RSS sampled every 50 ms from /proc/<pid>/status`,
    `upload clients, then, to the same service and file: the SDK (dist/client) in a child node ` +
      `process, new Taskyard({ url, key }).uploadFile(path), after a 1 MB warm-up uploadFile; ` +
      `curl -sf -F file=@<file> (started with -K - so that it waits on stdin); each one's RSS ` +
      `sampled idle for 1 s, then during its upload`,
    `csv.import: ${formatCount(config.csvRows)} rows (id int, name text, price float, active bool, ` +
      `day date), one multipart POST /api/v1/tasks with declared columns; ` +
      `reference ${PSQL} \\copy into an equivalent table on a fresh database`,
  ];
}

function notes(config: TasksBenchConfig, buildNote: string): string[] {
  return [
    'MB = 10^6 bytes. Ratios are Taskyard ÷ reference (for the wall row: psql time ÷ Taskyard time).',
    REFERENCE_NOTE,
    buildNote,
    'Everything runs on one machine: the bench client, the service and PostgreSQL share the CPUs ' +
      '(see the CPU lines: "other" is machine CPU used by none of the three, e.g. other jobs).',
    'echo: tasks/s counts tasks created and seen succeeded by their client per second of the ' +
      'measured phase. PostgreSQL serializes the commits of transactions that NOTIFY (a lock held ' +
      'through the commit and its WAL flush), so the pgbench INSERT+NOTIFY rate is the ceiling of ' +
      'task creations if each NOTIFYs in its own transaction (creates are group-committed, so they ' +
      'share); claims and completions, batched by the worker, add fewer. The bare node:http figure is what one Node process answers with no ' +
      'framework to the same client loops (whichever of the two saturates first bounds it; see its ' +
      'CPU line): the HTTP ceiling for the 1 POST + 1 GET (?until=finished) of each task.',
    'upload and cp both read the input from the page cache (it was just written) and write to the ' +
      'page cache; neither fsyncs. The service also hashes (sha256) and parses multipart.',
    'upload clients: seconds are the upload call alone (the SDK child times uploadFile; curl its ' +
      "%{time_total}), not process start-up; RSS growth is the client process's peak during the " +
      'upload over its idle RSS. The CLI is not measured: its one uploading command, taskyard ' +
      'submit, creates a task of a file type through POST /api/v1/tasks, and the built-in ones ' +
      '(csv.import, text.analyze) refuse or fail on these random bytes.',
    'csv.import: rows/s is from the task\'s "started" to its "succeeded" event (server clock); the ' +
      'psql figure is wall clock of the whole psql process (start-up included). Both COPY in one ' +
      'transaction; csv.import hands a file PostgreSQL reads as the service would to COPY … FORMAT ' +
      'csv (result.parser "postgres", checked on the way by a byte scanner), and parses and checks ' +
      'any other in Node (result.parser "node").',
    ...(config.cpuProfileDir
      ? [`CPU profiles of the service processes: ${config.cpuProfileDir}`]
      : []),
    ...(config.serviceNodeArgs.length > 0
      ? [`service node arguments: ${config.serviceNodeArgs.join(' ')}`]
      : []),
  ];
}

async function main(): Promise<void> {
  const config = loadTasksConfig();
  const buildNote = await build(config);
  const workDir = await mkdtemp(path.join(tmpdir(), 'taskyard-bench-tasks-'));
  const results: TasksResults = {};
  let machine: string[] = [];
  try {
    machine = await machineLines(config.serverUrl);
    print(['Taskyard tasks benchmark']);
    section('Machine', machine);
    section('Settings', settingsLines(config, workDir));
    if (config.scenarios.includes('echo')) {
      results.echo = await attempt(progress, 'echo', () => echoScenario(config, workDir));
    }
    if (config.scenarios.includes('upload')) {
      results.upload = await attempt(progress, 'upload', () => uploadScenario(config, workDir));
    }
    if (config.scenarios.includes('csv')) {
      results.csv = await attempt(progress, 'csv', () => csvScenario(config, workDir));
    }
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }

  const rows = resultRows(results, config);
  print(['', textTable(rows)]);
  section('Details', detailLines(results));
  section('Service warnings and errors (first lines)', serviceLog);
  section('Notes', notes(config, buildNote));

  print([
    '',
    '--- markdown summary ---',
    '',
    '### Tasks benchmark',
    '',
    ...machine.map((line) => `- ${line}`),
    ...settingsLines(config, '<tmp>').map((line) => `- ${line.trim()}`),
    '',
    markdownTable(rows),
    '',
    ...detailLines(results).map((line) => `- ${line}`),
  ]);
  if (rows.some((row) => row.taskyard === 'failed')) process.exitCode = 1;
}

try {
  await main();
} catch (error) {
  console.error(error);
  process.exitCode = 1;
}
