// Queue benchmark: Taskyard against pg-boss and graphile-worker on one PostgreSQL server.
// Build and run: npx tsc -p tsconfig.bench.json && node dist-bench/bench/queue.js
import { cpus } from 'node:os';
import { loadConfig, type BenchConfig } from './lib/config.js';
import { describeServer } from './lib/databases.js';
import { formatCount, formatSettings } from './lib/format.js';
import { errorLines, perRunLines, timeLimitLines } from './lib/notes.js';
import { measurePgbenchCeiling } from './lib/pgbench.js';
import { resultsTable } from './lib/report.js';
import { runBenchmarks } from './lib/run-benchmarks.js';
import type { DrainSettings, SettingName } from './lib/system.js';
import { createSystem } from './systems/index.js';

function print(lines: string[] = []): void {
  for (const line of lines) console.log(line);
}

function section(title: string, lines: string[]): void {
  if (lines.length === 0) return;
  print(['', `${title}:`, ...lines.map((line) => `  ${line}`)]);
}

function configLines(config: BenchConfig, server: string): string[] {
  return [
    server,
    `Node ${process.version}; ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'})`,
    `enqueue one-by-one: ${formatCount(config.enqueueJobs)} jobs, ${config.inFlight} in flight`,
    `enqueue bulk: ${formatCount(config.bulkJobs)} jobs in batches of ${formatCount(config.bulkBatch)}`,
    `drain: ${formatCount(config.drainJobs)} pre-enqueued jobs, no-op handler, ` +
      `time limit ${config.drainTimeLimitMs / 1000} s`,
    `pickup: ${config.pickupSamples} samples, one job at a time, idle worker`,
    `runs: ${config.runs} per throughput figure (median shown); pickup runs once`,
    'each measurement: fresh database, fresh Node process',
  ];
}

function settingsLines(settings: Map<string, Record<SettingName, DrainSettings>>): string[] {
  return [...settings].flatMap(([system, named]) => [
    `${system} default: ${formatSettings(named.default)}`,
    `${system} best:    ${formatSettings(named.best)}`,
  ]);
}

async function main(): Promise<void> {
  const config = loadConfig();
  const server = await describeServer(config.serverUrl);
  const settings = new Map(
    config.systems.map((system) => [
      system,
      createSystem(system).drainSettings(config.concurrency),
    ]),
  );
  print(['Taskyard queue benchmark']);
  section('Settings', configLines(config, server));
  section(
    'Drain and pickup settings (a system ignores what it has no equivalent for)',
    settingsLines(settings),
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

  const results = await runBenchmarks(config, settings, (line) => console.error(line));
  print(['', resultsTable(config, results)]);
  section('Errors', errorLines(results));
  section('Time limits', timeLimitLines(config, results));
  section('Per-run throughput (jobs/s)', perRunLines(results));
}

try {
  await main();
} catch (error) {
  console.error(error);
  process.exitCode = 1;
}
