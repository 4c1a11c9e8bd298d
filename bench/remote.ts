// Remote workers benchmark: tasks served over the HTTP worker protocol by worker processes running
// the SDK (src/worker-client), beside the same no-op tasks run in-process by the service's built-in
// echo processor, in the same run on the same service. Build and run: npm run bench:remote.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { attempt, messageOf, print, progressLog, section } from './lib/console.js';
import { positiveInteger } from './lib/config.js';
import { loadAverage, machineLines } from './lib/machine.js';
import { formatCount, formatMeasure, formatSettings } from './lib/format.js';
import {
  type LatencyResult,
  measureLatency,
  measureThroughput,
  type Percentiles,
  type ThroughputResult,
  WorkerPool,
} from './lib/remote-measure.js';
import { renderTable } from './lib/table.js';
import type { Outcome } from './lib/tasks-report.js';
import {
  BENCH_ADMIN_KEY,
  dataDirOf,
  type ServiceSettings,
  serviceEnvironment,
  startService,
} from './lib/tasks-service.js';

const run = promisify(execFile);
const REPO = fileURLToPath(new URL('../../', import.meta.url));
const progress = progressLog('bench:remote');
const REMOTE_TYPE = 'bench.noop';

interface RemoteBenchConfig {
  serverUrl: string;
  tasks: number;
  workerCounts: number[];
  /** Handlers each worker process runs at once (its type's concurrency). */
  concurrency: number;
  latencySamples: number;
  waitS: number;
  service: ServiceSettings;
  skipBuild: boolean;
}

function loadConfig(): RemoteBenchConfig {
  const concurrency = positiveInteger('BENCH_REMOTE_CONCURRENCY', 20);
  return {
    serverUrl:
      process.env.BENCH_DATABASE_URL ||
      process.env.DATABASE_URL ||
      'postgres://postgres@127.0.0.1:5432/postgres',
    tasks: positiveInteger('BENCH_REMOTE_TASKS', 5_000),
    workerCounts: (process.env.BENCH_REMOTE_WORKERS ?? '1,4').split(',').map(Number),
    concurrency,
    latencySamples: positiveInteger('BENCH_REMOTE_LATENCY_SAMPLES', 100),
    waitS: positiveInteger('BENCH_REMOTE_WAIT_S', 20),
    // The in-process workers get as many handlers as one remote worker process.
    service: { workerConcurrency: concurrency, workerPrefetch: concurrency, poolSize: 20 },
    skipBuild: process.env.BENCH_SKIP_BUILD === '1',
  };
}

interface Row {
  what: string;
  throughput: Outcome<ThroughputResult>;
  latency: Outcome<LatencyResult>;
}

async function measureAll(config: RemoteBenchConfig, workDir: string): Promise<Row[]> {
  const service = await startService(
    config.serverUrl,
    'remote',
    dataDirOf(workDir, 'remote'),
    config.service,
  );
  progress(`service pid ${service.pid} ready on ${service.baseUrl}`);
  const rows: Row[] = [];
  try {
    const client = service.client;
    const throughputOf = (type: string) => () =>
      measureThroughput(client, service.databaseUrl, { type, count: config.tasks, inFlight: 20 });
    progress(`in-process echo: ${formatCount(config.tasks)} tasks, then latency`);
    rows.push({
      what: `in-process (echo, WORKER_CONCURRENCY=${config.service.workerConcurrency})`,
      throughput: await attempt(progress, 'in-process throughput', throughputOf('echo')),
      latency: await attempt(progress, 'in-process latency', () =>
        measureLatency(client, { type: 'echo', samples: config.latencySamples }),
      ),
    });
    for (const count of config.workerCounts) {
      progress(`${count} remote worker process(es): ${formatCount(config.tasks)} tasks`);
      const target = {
        baseUrl: service.baseUrl,
        key: BENCH_ADMIN_KEY,
        type: REMOTE_TYPE,
        concurrency: config.concurrency,
        waitS: config.waitS,
      };
      let pool: WorkerPool | undefined;
      try {
        pool = await WorkerPool.start(count, target);
        const started = pool;
        const throughput = await attempt(
          progress,
          `${count} remote throughput`,
          throughputOf(REMOTE_TYPE),
        );
        const latency = await attempt(progress, `${count} remote latency`, () =>
          measureLatency(client, {
            type: REMOTE_TYPE,
            samples: config.latencySamples,
            handlerStart: (id) => started.startOf(id),
          }),
        );
        rows.push({
          what: `${count} remote worker process${count > 1 ? 'es' : ''} (SDK, ${config.concurrency} each)`,
          throughput,
          latency,
        });
      } catch (error) {
        progress(`${count} remote workers failed: ${messageOf(error)}`);
        const failed = { ok: false as const, error: messageOf(error) };
        rows.push({
          what: `${count} remote worker processes`,
          throughput: failed,
          latency: failed,
        });
      } finally {
        await pool?.stop();
        if (pool && pool.lines.length > 0) {
          section(`Worker process errors (${count} processes)`, pool.lines.slice(0, 20));
        }
      }
    }
  } finally {
    await service.stop();
    if (service.lines.length > 0)
      section('Service warnings and errors', service.lines.slice(0, 20));
  }
  return rows;
}

const ms = (p: Percentiles | undefined): string =>
  p ? `${formatMeasure(p.p50)} / ${formatMeasure(p.p95)} / ${formatMeasure(p.p99)}` : '-';

function tableRows(rows: Row[]): string[][] {
  return rows.map((row) => [
    row.what,
    row.throughput.ok ? formatCount(row.throughput.value.tasksPerSecond) : 'failed',
    row.throughput.ok ? `${row.throughput.value.seconds.toFixed(2)} s` : '-',
    row.latency.ok ? ms(row.latency.value.createdToStartMs) : 'failed',
    row.latency.ok ? ms(row.latency.value.claimToStartMs) : '-',
  ]);
}

const HEADER = [
  'served by',
  'tasks/s',
  'drain time',
  'created → start ms p50/p95/p99',
  'claim → start ms p50/p95/p99',
];

function settingsLines(config: RemoteBenchConfig): string[] {
  return [
    `service: node dist/main.js, one process, ${formatSettings(serviceEnvironment(config.service))}`,
    `throughput: ${formatCount(config.tasks)} tasks created (20 POSTs in flight) while the tasks ` +
      `queue is paused, then resumed; timed until the last has succeeded (counted in the database ` +
      `every 20 ms)`,
    `remote: worker processes (node, the SDK: TaskyardWorker, no-op handler) serving ` +
      `${REMOTE_TYPE}, concurrency ${config.concurrency} each, Prefer: wait=${config.waitS}, ` +
      `admin key; in-process: the built-in echo type`,
    `latency: ${config.latencySamples} tasks one at a time on an idle service, each after the ` +
      `previous succeeded (+20 ms): created = POST /tasks sent; start = the remote handler's first ` +
      `line (its clock), or the task's startedAt for echo; claim = the task's startedAt`,
  ];
}

async function main(): Promise<void> {
  const config = loadConfig();
  if (!config.skipBuild) {
    progress('npm run build');
    await run('npm', ['run', 'build', '--silent'], { cwd: REPO });
  }
  const workDir = await mkdtemp(path.join(tmpdir(), 'taskyard-bench-remote-'));
  const machine = await machineLines(config.serverUrl);
  print(['Taskyard remote workers benchmark']);
  section('Machine', machine);
  section('Settings', settingsLines(config));
  let rows: Row[] = [];
  try {
    rows = await measureAll(config, workDir);
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
  const load = loadAverage();
  const body = tableRows(rows);
  print(['', renderTable(HEADER, body), '', `load average at the end: ${load}`]);
  for (const row of rows) {
    const errors = [row.throughput, row.latency].flatMap((outcome) =>
      outcome.ok ? [] : [outcome.error],
    );
    for (const error of new Set(errors)) print([`${row.what}: failed: ${error}`]);
  }
  print([
    '',
    '--- markdown summary ---',
    '',
    ...machine.map((line) => `- ${line}`),
    ...settingsLines(config).map((line) => `- ${line}`),
    `- load average at the end: ${load}`,
    '',
    `| ${HEADER.join(' | ')} |`,
    `|${HEADER.map(() => ' --- ').join('|')}|`,
    ...body.map((cells) => `| ${cells.join(' | ')} |`),
  ]);
  if (rows.some((row) => !row.throughput.ok || !row.latency.ok)) process.exitCode = 1;
}

try {
  await main();
} catch (error) {
  console.error(error);
  process.exitCode = 1;
}
