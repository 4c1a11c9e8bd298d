import type { BenchConfig } from './config.js';
import { formatMeasure, formatRatio } from './format.js';
import { jobsPerSecond, type Measurement } from './measurement.js';
import type { PgbenchCeiling } from './pgbench.js';
import { MIN_P99_SAMPLES, OURS, pickupSamples } from './report.js';
import type { SystemResults } from './run-benchmarks.js';
import type { Scenario } from './scenarios.js';
import { median, percentile } from './stats.js';

const MEGABYTE = 1024 * 1024;

type Results = Map<string, SystemResults>;

function measurements(results: Results, system: string, scenario: Scenario): Measurement[] {
  const result = results.get(system)?.[scenario];
  return result && result.error === undefined ? result.measurements : [];
}

function rate(results: Results, system: string, scenario: Scenario): number | undefined {
  const runs = measurements(results, system, scenario);
  return runs.length > 0 ? median(runs.map(jobsPerSecond)) : undefined;
}

function verdict(met: boolean): string {
  return met ? 'met' : 'NOT met';
}

/** `ours / reference >= goal`, as a line; "n/a" when either side is missing. */
function ratioGoal(
  what: string,
  ours: number | undefined,
  reference: number | undefined,
  goal: number,
): string {
  if (ours === undefined || reference === undefined || !(reference > 0)) return `${what}: n/a`;
  const ratio = ours / reference;
  return `${what}: ${formatRatio(ratio)} (goal >= ${formatRatio(goal)}): ${verdict(ratio >= goal)}`;
}

function pickupGoals(results: Results): string[] {
  const samples = pickupSamples(measurements(results, OURS, 'pickup'));
  if (samples.length === 0) return ['pickup: n/a'];
  const p50 = percentile(samples, 50);
  const lines = [`pickup p50 ${formatMeasure(p50)} ms (goal <= 1.5 ms): ${verdict(p50 <= 1.5)}`];
  if (samples.length < MIN_P99_SAMPLES) {
    lines.push(`pickup p99: not quoted, ${samples.length} samples < ${MIN_P99_SAMPLES}`);
  } else {
    const p99 = percentile(samples, 99);
    lines.push(`pickup p99 ${formatMeasure(p99)} ms (goal <= 4 ms): ${verdict(p99 <= 4)}`);
  }
  return lines;
}

function rssGoal(config: BenchConfig, results: Results): string {
  const runs = measurements(results, OURS, 'drain-large');
  const what = `peak RSS draining ${config.largeDrainJobs.toLocaleString('en-US')} jobs`;
  if (runs.length === 0) return `${what}: n/a`;
  const mb = Math.max(...runs.map((m) => m.peakRssBytes)) / MEGABYTE;
  const complete = runs.every((m) => !m.timedOut) ? '' : ' (stopped at the time limit)';
  return `${what} ${formatMeasure(mb)} MB${complete} (goal < 200 MB): ${verdict(mb < 200)}`;
}

/** The performance goals, for taskyard with the shared settings, against this run's references. */
export function goalLines(
  config: BenchConfig,
  results: Results,
  ceiling: PgbenchCeiling,
): string[] {
  const insertCeiling = Number(ceiling.insert.replaceAll(',', ''));
  return [
    ratioGoal(
      'drain, best settings, ours/graphile-worker',
      rate(results, OURS, 'drain-best'),
      rate(results, 'graphile-worker', 'drain-best'),
      1.3,
    ),
    ratioGoal(
      `enqueue one-by-one, ${config.inFlight} in flight, ours/pgbench single-row INSERT`,
      rate(results, OURS, 'enqueue-one'),
      Number.isFinite(insertCeiling) ? insertCeiling : undefined,
      1.0,
    ),
    ratioGoal(
      'enqueue bulk, ours/graphile-worker',
      rate(results, OURS, 'enqueue-bulk'),
      rate(results, 'graphile-worker', 'enqueue-bulk'),
      1.3,
    ),
    ...pickupGoals(results),
    rssGoal(config, results),
  ];
}
