import type { BenchConfig } from './config.js';
import { formatCount, formatMeasure, formatRatio } from './format.js';
import { jobsPerSecond, type Measurement } from './measurement.js';
import type { SystemResults } from './run-benchmarks.js';
import type { Scenario } from './scenarios.js';
import { median, percentile } from './stats.js';
import { renderTable } from './table.js';

/** Taskyard with the same session settings as the peers: the column the ratios compare. */
export const OURS = 'taskyard';
/** A p99 of fewer samples than this rests on a handful of them, so it is not quoted. */
export const MIN_P99_SAMPLES = 1_000;
const MEGABYTE = 1024 * 1024;

interface Metric {
  label: string;
  scenario: Scenario;
  higherIsBetter: boolean;
  /** A number, or the reason there is none. */
  value(measurements: Measurement[]): number | string;
  format(value: number): string;
}

function rate(label: string, scenario: Scenario): Metric {
  return {
    label: `${label} (jobs/s)`,
    scenario,
    higherIsBetter: true,
    value: (measurements) => median(measurements.map(jobsPerSecond)),
    format: formatCount,
  };
}

function peakRss(label: string, scenario: Scenario): Metric {
  return {
    label: `${label} (MB)`,
    scenario,
    higherIsBetter: false,
    value: (measurements) => median(measurements.map((m) => m.peakRssBytes)) / MEGABYTE,
    format: formatMeasure,
  };
}

function connections(label: string, scenario: Scenario): Metric {
  return {
    label: `connections open, ${label} (most seen)`,
    scenario,
    higherIsBetter: false,
    value: (measurements) => Math.max(...measurements.map((m) => m.maxConnections)),
    format: formatCount,
  };
}

/** All runs' pickup samples together. */
export function pickupSamples(measurements: Measurement[]): number[] {
  return measurements.flatMap((m) => m.latenciesMs);
}

function pickup(p: number): Metric {
  return {
    label: `pickup p${p}, idle worker, best settings (ms)`,
    scenario: 'pickup',
    higherIsBetter: false,
    value: (measurements) => {
      const samples = pickupSamples(measurements);
      if (p >= 99 && samples.length < MIN_P99_SAMPLES) return `n=${samples.length}<1000`;
      return percentile(samples, p);
    },
    format: formatMeasure,
  };
}

function metrics(config: BenchConfig): Metric[] {
  const large = `drain ${formatCount(config.largeDrainJobs)} jobs, best settings`;
  return [
    rate(`enqueue one-by-one, ${config.inFlight} in flight`, 'enqueue-one'),
    rate(`enqueue bulk, batches of ${formatCount(config.bulkBatch)}`, 'enqueue-bulk'),
    rate('drain, default settings', 'drain-default'),
    rate('drain, best settings', 'drain-best'),
    rate(large, 'drain-large'),
    connections('drain, default settings', 'drain-default'),
    connections('drain, best settings', 'drain-best'),
    connections('pickup', 'pickup'),
    peakRss('drain peak RSS, default settings', 'drain-default'),
    peakRss('drain peak RSS, best settings', 'drain-best'),
    peakRss(`${large}, peak RSS`, 'drain-large'),
    pickup(50),
    pickup(95),
    pickup(99),
  ];
}

function measure(metric: Metric, results: SystemResults | undefined): number | string {
  const result = results?.[metric.scenario];
  if (result?.error !== undefined) return 'error';
  if (!result || result.measurements.length === 0) return '-';
  return metric.value(result.measurements);
}

export function columnName(system: string): string {
  return system === 'taskyard-production' ? 'taskyard (production settings)' : system;
}

/** How to read the ratio columns, printed above the table. */
export const RATIO_NOTE =
  'ratio columns: taskyard (shared settings) against each peer, > 1 = taskyard better: ' +
  'ours/peer where higher is better (jobs/s), peer/ours where lower is better (ms, MB, connections)';

/** The comparison table; ratios are oriented so that above 1 means Taskyard does better. */
export function resultsTable(config: BenchConfig, results: Map<string, SystemResults>): string {
  const systems = [...results.keys()];
  const peers = systems.includes(OURS) ? systems.filter((s) => !s.startsWith(OURS)) : [];
  const header = [
    'metric',
    'better',
    ...systems.map(columnName),
    ...peers.map((peer) => `ours/${peer.replace(/-worker$/, '')}`),
  ];
  const rows = metrics(config).map((metric) => {
    const values = new Map(systems.map((s) => [s, measure(metric, results.get(s))]));
    const cells = systems.map((system) => {
      const value = values.get(system);
      return typeof value === 'number' ? metric.format(value) : String(value);
    });
    const ours = values.get(OURS);
    const ratios = peers.map((peer) => {
      const theirs = values.get(peer);
      if (typeof ours !== 'number' || typeof theirs !== 'number') return '-';
      return formatRatio(metric.higherIsBetter ? ours / theirs : theirs / ours);
    });
    return [metric.label, metric.higherIsBetter ? 'higher' : 'lower', ...cells, ...ratios];
  });
  return renderTable(header, rows);
}
