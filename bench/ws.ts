// Live feed benchmark: the real service (dist/main.js) and its Socket.IO namespace /tasks, beside a
// bare Socket.IO server measured the same way in the same run. Build and run: npm run bench:ws
// (smoke: bench:ws:smoke).
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { machineLines } from './lib/machine.js';
import { formatCount, formatSettings } from './lib/format.js';
import { measurePgbenchCeiling } from './lib/pgbench.js';
import {
  dataDirOf,
  type ServiceSettings,
  serviceEnvironment,
  startService,
} from './lib/tasks-service.js';
import { loadWsConfig, type WsBenchConfig } from './lib/ws-config.js';
import { type FollowPlan, measureFollow, measureIdle } from './lib/ws-measure.js';
import {
  detailLines,
  markdownTable,
  modeLabel,
  type Pair,
  resultRows,
  textTable,
  type WsResults,
} from './lib/ws-report.js';
import { bareSource, type FeedSource, taskyardSource } from './lib/ws-sources.js';

import { attempt, print, progressLog, section } from './lib/console.js';

const run = promisify(execFile);
const REPO = fileURLToPath(new URL('../../', import.meta.url));

const progress = progressLog('bench:ws');

/** Service warnings and errors (LOG_LEVEL=warn), kept for the notes. */
const serviceLog: string[] = [];

function serviceSettings(config: WsBenchConfig): ServiceSettings {
  return {
    workerConcurrency: config.workerConcurrency,
    workerPrefetch: config.workerPrefetch,
    poolSize: config.poolSize,
    cpuProfileDir: config.cpuProfileDir,
    nodeArgs: config.serviceNodeArgs,
  };
}

/**
 * Measures with a freshly started service (its own fresh database), then the same with a bare
 * Socket.IO server; each is stopped whatever happens.
 */
async function measurePair<T>(
  config: WsBenchConfig,
  workDir: string,
  name: string,
  measure: (source: FeedSource) => Promise<T>,
): Promise<Pair<T>> {
  const service = await startService(
    config.serverUrl,
    name,
    dataDirOf(workDir, name),
    serviceSettings(config),
  );
  progress(`${name}: service pid ${service.pid} ready on ${service.baseUrl}`);
  let taskyard: T;
  try {
    taskyard = await measure(await taskyardSource(service));
  } finally {
    await service.stop();
    serviceLog.push(...service.lines.slice(0, 20).map((line) => `${name}: ${line}`));
  }
  progress(`${name}: bare Socket.IO reference`);
  const reference = await attempt(progress, `${name} reference`, async () => {
    const bare = await bareSource();
    try {
      return await measure(bare);
    } finally {
      await bare.stop();
    }
  });
  return { taskyard, reference };
}

async function measureAll(config: WsBenchConfig, workDir: string): Promise<WsResults> {
  const results: WsResults = { latency: [], fanout: [] };
  const perProcess = config.socketsPerProcess;
  if (config.scenarios.includes('latency')) {
    progress(
      `pgbench reference, ${config.poolSize} clients, ${config.pgbenchSeconds} s per script`,
    );
    results.pgbench = await measurePgbenchCeiling(
      config.serverUrl,
      config.pgbenchSeconds,
      config.poolSize,
    );
    for (const clients of config.latencyClients) {
      const plan: FollowPlan = {
        mode: 'own',
        clients,
        tasks: clients,
        taskMs: config.taskMs,
        stagger: config.stagger,
        socketsPerProcess: perProcess,
      };
      progress(`latency: ${formatCount(clients)} clients, each following its own sleep task`);
      const outcome = await attempt(progress, `latency ${clients}`, () =>
        measurePair(config, workDir, `latency-${clients}`, (source) => measureFollow(source, plan)),
      );
      results.latency.push({ clients, outcome });
    }
  }
  if (config.scenarios.includes('fanout')) {
    for (const mode of config.fanoutModes) {
      const { fanoutClients: clients, fanoutTasks: tasks } = config;
      const plan: FollowPlan = {
        mode,
        clients,
        tasks,
        taskMs: config.fanoutTaskMs,
        stagger: false,
        socketsPerProcess: perProcess,
      };
      progress(`fan-out: ${formatCount(clients)} clients, ${modeLabel(mode, tasks)}`);
      const outcome = await attempt(progress, `fan-out ${mode}`, () =>
        measurePair(config, workDir, `fanout-${mode}`, (source) => measureFollow(source, plan)),
      );
      results.fanout.push({ mode, clients, tasks, outcome });
    }
  }
  if (config.scenarios.includes('idle')) {
    const clients = config.idleClients;
    progress(`idle: ${formatCount(clients)} clients`);
    const outcome = await attempt(progress, 'idle', () =>
      measurePair(config, workDir, 'idle', (source) =>
        measureIdle(source, clients, perProcess, config.settleMs),
      ),
    );
    results.idle = { clients, outcome };
  }
  return results;
}

async function build(config: WsBenchConfig): Promise<string> {
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

function settingsLines(config: WsBenchConfig, workDir: string): string[] {
  const env = serviceEnvironment(serviceSettings(config));
  const { taskMs, fanoutTaskMs } = config;
  return [
    `service: node dist/main.js, one process, ${formatSettings(env)}`,
    `  PORT=<a free port> DATABASE_URL=<a fresh database per measurement> ` +
      `ADMIN_API_KEY=<fixed, 38 chars> DATA_DIR=${workDir}/data-<measurement>`,
    `clients: socket.io-client, transports ['websocket'], one user key of one tenant, ` +
      `${config.socketsPerProcess} sockets per client process`,
    `latency: ${config.latencyClients.map(formatCount).join(', ')} clients; client i subscribes ` +
      `{taskId, afterSeq} to sleep task i (options {ms: ${taskMs}}), all created while the tasks ` +
      `queue is paused, then the queue is resumed; latency = Date.now() on receipt - Date.parse(at), ` +
      `every event received (started, progress, succeeded)` +
      (config.stagger ? '; staggered: task i sleeps ms × (1 + i / clients)' : ''),
    `fan-out: ${formatCount(config.fanoutClients)} clients, ${formatCount(config.fanoutTasks)} ` +
      `sleep tasks {ms: ${fanoutTaskMs}}; modes ${config.fanoutModes.join(', ')} ` +
      `(all: {all: true}; shared: client i follows task i % ${config.fanoutTasks} by id); ` +
      `events/s = deliveries counted by the clients from the first to the last (100 ms buckets)`,
    `idle: ${formatCount(config.idleClients)} clients connected, then each subscribed to a queued ` +
      `task of its own (queue paused: no events); VmRSS from /proc/<pid>/status, the highest sample ` +
      `(every 50 ms) over ${Math.min(2, Math.max(0.5, config.settleMs / 1000))} s after ` +
      `${config.settleMs / 1000} s of settling`,
    `reference: a bare Socket.IO 4.8 server in one Node process (bench/lib/ws-bare-server.ts), ` +
      `same namespace, messages and event shape, tasks replaced by timers shaped like sleep, ` +
      `at = time of emission`,
  ];
}

function notes(config: WsBenchConfig, buildNote: string): string[] {
  return [
    'MB = 10^6 bytes. Ratios are Taskyard ÷ bare Socket.IO (p99 for latency).',
    buildNote,
    'Everything runs on one machine: the client processes, the service and PostgreSQL share the ' +
      'CPUs (see the CPU lines; "other" is machine CPU used by none of them).',
    'Latency is measured from `at` to receipt, both read from the same machine clock (whole ms). ' +
      '`at` is now() of the transaction that wrote the event, i.e. its start: the figure includes ' +
      'the rest of that transaction and its commit, PostgreSQL NOTIFY delivery, the service reading ' +
      'the event back from the log, Socket.IO and the client. The bare reference has none of the ' +
      'database part (its `at` is the emission time).',
    'The sleep task reports progress 20 times over its ms; the service writes at most one progress ' +
      'event per task every 250 ms, so each task writes ~22 events (started, 20 progress, ' +
      'succeeded). All tasks start in one claim when the queue is resumed, and their progress ' +
      'steps then come in lockstep: bursts of one event per task every ms/20 (BENCH_WS_STAGGER=1 ' +
      'spreads them). "merged" counts progress events the service merged for a congested socket ' +
      '(`replaces`), which the gap check accepts; a gap or repeat is any other break in a ' +
      "socket's seqs of a task.",
    "fan-out by id: each client follows one task, so what is offered is clients × one task's " +
      'pace (~2.2 events/s): no test of the events/s goal, which the {all: true} row is.',
    'PostgreSQL write ceiling: pgbench with DATABASE_POOL_SIZE clients, for the events written ' +
      'per second (each event is a transaction of its own that NOTIFYs).',
    'VmRSS is what the kernel holds for the process, garbage not yet collected included: the ' +
      'growth per client is rough (a collection between two readings can even make it negative).',
    `WORKER_CONCURRENCY=${config.workerConcurrency} keeps every task of a measurement running at once.`,
    ...(config.cpuProfileDir
      ? [`CPU profiles of the service processes: ${config.cpuProfileDir}`]
      : []),
    ...(config.serviceNodeArgs.length > 0
      ? [`service node arguments: ${config.serviceNodeArgs.join(' ')}`]
      : []),
  ];
}

async function main(): Promise<void> {
  const config = loadWsConfig();
  const buildNote = await build(config);
  const workDir = await mkdtemp(path.join(tmpdir(), 'taskyard-bench-ws-'));
  let results: WsResults = { latency: [], fanout: [] };
  let machine: string[] = [];
  try {
    machine = await machineLines(config.serverUrl);
    print(['Taskyard live feed (Socket.IO) benchmark']);
    section('Machine', machine);
    section('Settings', settingsLines(config, workDir));
    results = await measureAll(config, workDir);
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }

  const rows = resultRows(results);
  print(['', textTable(rows)]);
  section('Details', detailLines(results));
  section('Service warnings and errors (first lines)', serviceLog);
  section('Notes', notes(config, buildNote));

  print([
    '',
    '--- markdown summary ---',
    '',
    '### Live feed benchmark',
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
