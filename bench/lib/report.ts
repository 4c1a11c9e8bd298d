import type { BenchConfig } from './config.js';
import { formatCount, formatMeasure, formatRatio } from './format.js';
import { jobsPerSecond, type Measurement } from './measurement.js';
import type { SystemResults } from './run-benchmarks.js';
import type { Scenario } from './scenarios.js';
import { median, percentile } from './stats.js';
import { renderTable } from './table.js';

const OURS = 'taskyard';
const MEGABYTE = 1024 * 1024;

interface Metric {
  label: string;
  scenario: Scenario;
  higherIsBetter: boolean;
  value(measurements: Measurement[]): number;
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

function pickup(p: number): Metric {
  return {
    label: `pickup p${p}, idle worker, best settings (ms)`,
    scenario: 'pickup',
    higherIsBetter: false,
    value: (measurements) => percentile(measurements[0].latenciesMs, p),
    format: formatMeasure,
  };
}

function metrics(config: BenchConfig): Metric[] {
  return [
    rate(`enqueue one-by-one, ${config.inFlight} in flight`, 'enqueue-one'),
    rate(`enqueue bulk, batches of ${formatCount(config.bulkBatch)}`, 'enqueue-bulk'),
    rate('drain, default settings', 'drain-default'),
    rate('drain, best settings', 'drain-best'),
    peakRss('drain peak RSS, default settings', 'drain-default'),
    peakRss('drain peak RSS, best settings', 'drain-best'),
    pickup(50),
    pickup(95),
    pickup(99),
  ];
}

function valueOf(metric: Metric, results: SystemResults | undefined): number | string {
  const result = results?.[metric.scenario];
  if (result?.error !== undefined) return 'error';
  if (!result || result.measurements.length === 0) return '-';
  return metric.value(result.measurements);
}

/** The comparison table; ratios are oriented so that above 1 means Taskyard does better. */
export function resultsTable(config: BenchConfig, results: Map<string, SystemResults>): string {
  const peers = config.systems.includes(OURS) ? config.systems.filter((s) => s !== OURS) : [];
  const header = [
    'metric',
    ...config.systems,
    ...peers.map((peer) => `ours/${peer.replace(/-worker$/, '')}`),
  ];
  const rows = metrics(config).map((metric) => {
    const values = new Map(config.systems.map((s) => [s, valueOf(metric, results.get(s))]));
    const cells = config.systems.map((system) => {
      const value = values.get(system);
      return typeof value === 'number' ? metric.format(value) : String(value);
    });
    const ours = values.get(OURS);
    const ratios = peers.map((peer) => {
      const theirs = values.get(peer);
      if (typeof ours !== 'number' || typeof theirs !== 'number') return '-';
      return formatRatio(metric.higherIsBetter ? ours / theirs : theirs / ours);
    });
    return [metric.label, ...cells, ...ratios];
  });
  return renderTable(header, rows);
}
