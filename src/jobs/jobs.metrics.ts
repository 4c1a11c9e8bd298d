import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram } from 'prom-client';
import { Database } from '../database/database.js';
import { MetricsRegistry } from '../metrics/metrics.registry.js';

type JobLabels = 'queue' | 'type';

const LIVE_COUNTS = `
SELECT queue, status, count(*)::int AS count FROM jobs
WHERE status IN ('queued', 'running') GROUP BY queue, status`;

type Outcome = 'succeeded' | 'failed' | 'retried' | 'cancelled' | 'released';

/** The metrics of one queue and type, with prom-client's label lookups done once. */
export interface JobTypeMetrics {
  queueWait: { observe(seconds: number): void };
  duration(outcome: Outcome): { observe(seconds: number): void };
  outcome(outcome: Outcome): void;
}

/** The queue's Prometheus metrics. Queued and running gauges are read from the database per scrape. */
@Injectable()
export class JobsMetrics {
  private readonly byJobType = new Map<string, JobTypeMetrics>();

  readonly enqueued: Counter<JobLabels>;
  readonly completed: Counter<JobLabels>;
  readonly failed: Counter<JobLabels>;
  readonly retried: Counter<JobLabels>;
  readonly cancelled: Counter<JobLabels>;
  readonly duration: Histogram<JobLabels | 'outcome'>;
  readonly queueWait: Histogram<JobLabels>;
  readonly listenerConnected: Gauge;

  constructor(registry: MetricsRegistry, database: Database) {
    const registers = [registry];
    const labelNames = ['queue', 'type'] as const;
    const counter = (name: string, help: string): Counter<JobLabels> =>
      new Counter({ name, help, labelNames, registers });
    this.enqueued = counter('jobs_enqueued_total', 'Jobs enqueued');
    this.completed = counter('jobs_completed_total', 'Jobs that succeeded');
    this.failed = counter(
      'jobs_failed_total',
      'Jobs that failed for good (attempts used up or permanent error)',
    );
    this.retried = counter(
      'jobs_retried_total',
      'Failed attempts that were scheduled to run again',
    );
    this.cancelled = counter(
      'jobs_cancelled_total',
      'Running jobs that stopped because they were cancelled',
    );
    this.duration = new Histogram({
      name: 'job_duration_seconds',
      help: 'Time a handler ran, by outcome',
      labelNames: ['queue', 'type', 'outcome'],
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300],
      registers,
    });
    this.queueWait = new Histogram({
      name: 'job_queue_wait_seconds',
      help: 'Time from when a job could run (run_at) to when a worker started it',
      labelNames,
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 60, 300, 3600],
      registers,
    });
    this.listenerConnected = new Gauge({
      name: 'jobs_listener_connected',
      help: '1 while the worker LISTENs for new jobs, 0 while it falls back to polling',
      registers,
    });
    const live = new Gauge({
      name: 'jobs_live',
      help: 'Queued and running jobs by queue (read from the database at scrape time)',
      labelNames: ['queue', 'status'],
      registers,
      async collect() {
        const { rows } = await database.pool.query<{
          queue: string;
          status: string;
          count: number;
        }>(LIVE_COUNTS);
        this.reset();
        for (const row of rows) this.set({ queue: row.queue, status: row.status }, row.count);
      },
    });
    void live;
  }

  /** Label-bound metrics for the worker's hot path (one lookup per queue and type, then cached). */
  forJobs(queue: string, type: string): JobTypeMetrics {
    const key = `${queue}\u0000${type}`;
    let found = this.byJobType.get(key);
    if (!found) {
      const labels = { queue, type };
      const durations = new Map<Outcome, { observe(seconds: number): void }>();
      const counters: Partial<Record<Outcome, Counter<JobLabels>>> = {
        succeeded: this.completed,
        failed: this.failed,
        retried: this.retried,
        cancelled: this.cancelled,
      };
      const bound = new Map<Outcome, { inc(): void }>();
      found = {
        queueWait: this.queueWait.labels(labels),
        duration: (outcome) => {
          let histogram = durations.get(outcome);
          if (!histogram)
            durations.set(outcome, (histogram = this.duration.labels({ ...labels, outcome })));
          return histogram;
        },
        outcome: (outcome) => {
          let counter = bound.get(outcome);
          if (!counter) {
            const metric = counters[outcome];
            counter = metric ? metric.labels(labels) : { inc: () => undefined };
            bound.set(outcome, counter);
          }
          counter.inc();
        },
      };
      this.byJobType.set(key, found);
    }
    return found;
  }
}
