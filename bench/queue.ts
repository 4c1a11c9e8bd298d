// Queue benchmark: Taskyard against pg-boss and graphile-worker on one PostgreSQL server.
// Build and run: npx tsc -p tsconfig.bench.json && node dist-bench/bench/queue.js
import { cpus, loadavg } from 'node:os';
import { loadConfig, type BenchConfig } from './lib/config.js';
import { describeServer } from './lib/databases.js';
import { formatCount, formatSettings } from './lib/format.js';
import { progressLog } from './lib/console.js';
import { goalLines } from './lib/goals.js';
import { loadAverage } from './lib/machine.js';
import { errorLines, perRunLines, timeLimitLines } from './lib/notes.js';
import { measurePgbenchCeiling } from './lib/pgbench.js';
import { columnName, RATIO_NOTE, resultsTable } from './lib/report.js';
import { runBenchmarks } from './lib/run-benchmarks.js';
import { pickupSamplesPerRun, type SystemUnderTest } from './lib/scenarios.js';
import { describeSharedSession } from './lib/session.js';
import type { QueueSystem } from './lib/system.js';
import { createSystem } from './systems/index.js';

/** A machine busier than this at the start is not called idle. */
const IDLE_LOAD = 0.5;

function print(lines: string[] = []): void {
  for (const line of lines) console.log(line);
}

function section(title: string, lines: string[]): void {
  if (lines.length === 0) return;
  print(['', `${title}:`, ...lines.map((line) => `  ${line}`)]);
}

function machineLines(server: string): string[] {
  const oneMinute = loadavg()[0];
  const idle =
    oneMinute < IDLE_LOAD
      ? `idle (1-min load < ${IDLE_LOAD})`
      : `NOT idle (1-min load >= ${IDLE_LOAD}: other processes share the CPUs)`;
  return [
    server,
    `Node ${process.version}; ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'})`,
    `load average at start (1, 5, 15 min): ${loadAverage()}; machine ${idle}`,
  ];
}

function configLines(config: BenchConfig): string[] {
  return [
    `enqueue one-by-one: ${formatCount(config.enqueueJobs)} jobs, ${config.inFlight} in flight`,
    `enqueue bulk: ${formatCount(config.bulkJobs)} jobs in batches of ${formatCount(config.bulkBatch)}`,
    `drain: ${formatCount(config.drainJobs)} pre-enqueued jobs, the same async no-op handler ` +
      `(async () => {}) for every system, time limit ${config.drainTimeLimitMs / 1000} s; ` +
      'a drain ends when the database holds every job as done, and its jobs are counted there',
    `large drain: ${formatCount(config.largeDrainJobs)} jobs, best settings, once, for its peak RSS`,
    `pickup: ${pickupSamplesPerRun(config)} samples in each of ${config.runs} runs, one job at ` +
      `a time, idle worker; percentiles over all samples, p99 only from ${formatCount(1_000)}`,
    `runs: ${config.runs} per throughput figure (median shown)`,
    'each measurement: fresh database, fresh Node process',
    'connections: every client connection to the bench database, sampled from pg_stat_activity ' +
      'every 50 ms while the measuring process runs (pools, claim pools, LISTEN)',
  ];
}

function systemLines(systems: QueueSystem[], concurrency: number): string[] {
  return systems.flatMap((system) => {
    const named = system.drainSettings(concurrency);
    const session =
      system.session === 'shared'
        ? `shared (${describeSharedSession()})`
        : 'its own production settings';
    return [
      `${columnName(system.name)}:`,
      `  session settings: ${session}`,
      `  enqueue one-by-one: ${system.oneByOne}`,
      `  drain default: ${formatSettings(named.default)}`,
      `  drain best:    ${formatSettings(named.best)}`,
    ];
  });
}

async function main(): Promise<void> {
  const config = loadConfig();
  const server = await describeServer(config.serverUrl);
  const systems = config.systems.map(createSystem);
  const underTest: SystemUnderTest[] = systems.map((system) => ({
    name: system.name,
    session: system.session,
    settings: system.drainSettings(config.concurrency),
  }));
  print(['Taskyard queue benchmark']);
  section('Machine', machineLines(server));
  section('Settings', configLines(config));
  section(
    'Systems (poolSize is the main pool a system is given; a system ignores settings it has ' +
      'no equivalent for)',
    systemLines(systems, config.concurrency),
  );

  const ceiling = await measurePgbenchCeiling(
    config.serverUrl,
    config.pgbenchSeconds,
    config.inFlight,
  );
  section(`pgbench ceiling, ${config.inFlight} clients, ${config.pgbenchSeconds} s (tps)`, [
    `single-row INSERT commits:          ${ceiling.insert}`,
    `single-row INSERT + NOTIFY commits: ${ceiling.insertNotify}`,
  ]);

  const results = await runBenchmarks(config, underTest, progressLog('queue'));
  print(['', RATIO_NOTE, '', resultsTable(config, results)]);
  section('Goals (taskyard, shared settings)', goalLines(config, results, ceiling));
  section('Errors', errorLines(results));
  section('Time limits', timeLimitLines(config, results));
  section('Per-run throughput (jobs/s)', perRunLines(results));
  section('Machine at the end', [`load average (1, 5, 15 min): ${loadAverage()}`]);
}

try {
  await main();
} catch (error) {
  console.error(error);
  process.exitCode = 1;
}
