/** Whole milliseconds → how many samples had that value (Date.now() and `at` are whole ms). */
export type Histogram = Map<number, number>;

/** A histogram as it crosses process boundaries. */
export type HistogramEntries = [number, number][];

export function record(histogram: Histogram, value: number): void {
  histogram.set(value, (histogram.get(value) ?? 0) + 1);
}

export function mergeInto(target: Histogram, entries: HistogramEntries): void {
  for (const [value, count] of entries) target.set(value, (target.get(value) ?? 0) + count);
}

export function sampleCount(histogram: Histogram): number {
  let total = 0;
  for (const count of histogram.values()) total += count;
  return total;
}

/** Nearest-rank percentile, `p` in 0..100; NaN without samples. */
export function histogramPercentile(histogram: Histogram, p: number): number {
  const total = sampleCount(histogram);
  if (total === 0) return Number.NaN;
  const rank = Math.max(1, Math.ceil((p / 100) * total));
  let seen = 0;
  for (const value of [...histogram.keys()].sort((a, b) => a - b)) {
    seen += histogram.get(value) ?? 0;
    if (seen >= rank) return value;
  }
  return Number.NaN;
}

export interface LatencySummary {
  samples: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export function summarize(histogram: Histogram): LatencySummary {
  return {
    samples: sampleCount(histogram),
    p50: histogramPercentile(histogram, 50),
    p95: histogramPercentile(histogram, 95),
    p99: histogramPercentile(histogram, 99),
    max: histogramPercentile(histogram, 100),
  };
}

/** Deliveries per 100 ms bucket (index: Date.now() / 100, floored). */
export type Buckets = Map<number, number>;

export interface DeliveryRate {
  /** From the first delivery to the last. */
  seconds: number;
  perSecond: number;
  /** The busiest whole second (10 consecutive buckets). */
  peakPerSecond: number;
}

export function deliveryRate(buckets: Buckets): DeliveryRate {
  const indexes = [...buckets.keys()].sort((a, b) => a - b);
  if (indexes.length === 0) return { seconds: 0, perSecond: 0, peakPerSecond: 0 };
  const first = indexes[0];
  const last = indexes.at(-1) ?? first;
  let total = 0;
  let peak = 0;
  for (let start = first; start <= last; start++) {
    let window = 0;
    for (let i = start; i < start + 10; i++) window += buckets.get(i) ?? 0;
    peak = Math.max(peak, window);
    total += buckets.get(start) ?? 0;
  }
  const seconds = (last - first + 1) / 10;
  return { seconds, perSecond: total / seconds, peakPerSecond: peak };
}
