import type { DrainSettings } from './system.js';

/** One thing to measure, in a child process, on a database that exists. */
export type MeasureTask =
  | { kind: 'enqueue-one'; jobs: number; inFlight: number }
  | { kind: 'enqueue-bulk'; jobs: number; batch: number }
  | { kind: 'drain'; jobs: number; timeLimitMs: number }
  | { kind: 'pickup'; samples: number };

export interface MeasureRequest {
  system: string;
  url: string;
  settings: DrainSettings;
  task: MeasureTask;
}

export interface Measurement {
  /** Jobs enqueued, or for a drain jobs the database held as done when it ended. */
  jobs: number;
  elapsedMs: number;
  /** A drain stopped by its time limit before all its jobs were handled. */
  timedOut: boolean;
  peakRssBytes: number;
  latenciesMs: number[];
  /** Most connections the measuring process had open to its database at once (sampled). */
  maxConnections: number;
}

export type MeasureReply = { ok: true; measurement: Measurement } | { ok: false; error: string };

export function jobsPerSecond(measurement: Measurement): number {
  return measurement.jobs / (measurement.elapsedMs / 1000);
}
