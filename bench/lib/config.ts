import { SYSTEM_NAMES } from '../systems/index.js';

export interface BenchConfig {
  serverUrl: string;
  /** Names of the systems to run, in column order. */
  systems: string[];
  runs: number;
  enqueueJobs: number;
  inFlight: number;
  bulkJobs: number;
  bulkBatch: number;
  drainJobs: number;
  concurrency: number;
  /** A drain still running after this long is stopped and its rate taken from what it handled. */
  drainTimeLimitMs: number;
  /** Pickup samples over all runs together (each run takes its share). */
  pickupSamples: number;
  /** Jobs of the one large drain, run for its peak RSS. */
  largeDrainJobs: number;
  pgbenchSeconds: number;
}

/** The PostgreSQL server the benchmarks make their databases on. */
export function benchServerUrl(): string {
  return (
    process.env.BENCH_DATABASE_URL ||
    process.env.DATABASE_URL ||
    'postgres://postgres@127.0.0.1:5432/postgres'
  );
}

export function positiveInteger(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) {
    throw new Error(`${name} must be a positive integer, got "${raw}"`);
  }
  return value;
}

function systemList(): string[] {
  const raw = process.env.BENCH_SYSTEMS;
  if (!raw) return SYSTEM_NAMES;
  const names = raw.split(',').map((name) => name.trim());
  const unknown = names.filter((name) => !SYSTEM_NAMES.includes(name));
  if (unknown.length > 0) {
    throw new Error(
      `BENCH_SYSTEMS: unknown ${unknown.join(', ')}; known: ${SYSTEM_NAMES.join(', ')}`,
    );
  }
  return names;
}

export function loadConfig(): BenchConfig {
  return {
    serverUrl: process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres',
    systems: systemList(),
    runs: positiveInteger('BENCH_RUNS', 3),
    enqueueJobs: positiveInteger('BENCH_ENQUEUE_JOBS', 5_000),
    inFlight: positiveInteger('BENCH_IN_FLIGHT', 10),
    bulkJobs: positiveInteger('BENCH_BULK_JOBS', 50_000),
    bulkBatch: positiveInteger('BENCH_BULK_BATCH', 1_000),
    drainJobs: positiveInteger('BENCH_JOBS', 20_000),
    concurrency: positiveInteger('BENCH_CONCURRENCY', 10),
    drainTimeLimitMs: positiveInteger('BENCH_DRAIN_TIME_LIMIT_S', 30) * 1000,
    pickupSamples: positiveInteger('BENCH_PICKUP_SAMPLES', 1_000),
    largeDrainJobs: positiveInteger('BENCH_LARGE_DRAIN_JOBS', 100_000),
    pgbenchSeconds: positiveInteger('BENCH_PGBENCH_SECONDS', 5),
  };
}
