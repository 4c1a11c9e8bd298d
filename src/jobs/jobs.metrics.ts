import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { Counter, Gauge, Histogram } from 'prom-client';
import { Database } from '../database/database.js';
import { MetricsRegistry } from '../metrics/metrics.registry.js';
import { HandlerRegistry } from './handler-registry.js';

type JobLabels = 'queue' | 'type';

const LIVE_STATUSES = ['queued', 'running'] as const;

const LISTENER_METRIC = 'taskyard_jobs_listener_connected';

/** Live jobs by queue and status, and every queue job_queues knows (paused or resumed once). */
const LIVE_COUNTS = `
SELECT queue, status::text, count(*)::int AS count FROM jobs
WHERE status IN ('queued', 'running') GROUP BY queue, status
UNION ALL
SELECT name, NULL, 0 FROM job_queues`;

type Outcome = 'succeeded' | 'failed' | 'retried' | 'cancelled' | 'released';

/** The metrics of one queue and type, with prom-client's label lookups done once. */
export interface JobTypeMetrics {
  queueWait: { observe(seconds: number): void };
  duration(outcome: Outcome): { observe(seconds: number): void };
  outcome(outcome: Outcome): void;
}

/**
 * The queue's Prometheus metrics. Queued and running gauges are read from the database per scrape.
 * Every series a rule may divide by or take rate() of exists from start-up: the counters at 0 for
 * the queue and type of each handler, the live gauge at 0 for each queue known.
 */
@Injectable()
export class JobsMetrics implements OnApplicationBootstrap {
  private readonly byJobType = new Map<string, JobTypeMetrics>();
  /** Queues the live gauge reports even when empty: the handlers' own, and `default`. */
  private readonly knownQueues = new Set(['default']);

  readonly enqueued: Counter<JobLabels>;
  readonly completed: Counter<JobLabels>;
  readonly failed: Counter<JobLabels>;
  readonly retried: Counter<JobLabels>;
  readonly cancelled: Counter<JobLabels>;
  readonly duration: Histogram<JobLabels | 'outcome'>;
  readonly queueWait: Histogram<JobLabels>;
  private readonly listenerConnected: Gauge;

  constructor(
    private readonly registry: MetricsRegistry,
    database: Database,
    private readonly handlers: HandlerRegistry,
  ) {
    const registers = [registry];
    const labelNames = ['queue', 'type'] as const;
    const counter = (name: string, help: string): Counter<JobLabels> =>
      new Counter({ name, help, labelNames, registers });
    this.enqueued = counter('taskyard_jobs_enqueued_total', 'Jobs enqueued');
    this.completed = counter('taskyard_jobs_completed_total', 'Jobs that succeeded');
    this.failed = counter(
      'taskyard_jobs_failed_total',
      'Jobs that failed for good (attempts used up or permanent error)',
    );
    this.retried = counter(
      'taskyard_jobs_retried_total',
      'Failed attempts that were scheduled to run again',
    );
    this.cancelled = counter(
      'taskyard_jobs_cancelled_total',
      'Running jobs that stopped because they were cancelled',
    );
    this.duration = new Histogram({
      name: 'taskyard_job_duration_seconds',
      help: 'Time a handler ran, by outcome',
      labelNames: ['queue', 'type', 'outcome'],
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300],
      registers,
    });
    this.queueWait = new Histogram({
      name: 'taskyard_job_queue_wait_seconds',
      help: 'Time from when a job could run (run_at) to when a worker started it',
      labelNames,
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 60, 300, 3600],
      registers,
    });
    // Registered by reportListener(): API roles and poll-only workers have no listener to report.
    this.listenerConnected = new Gauge({
      name: LISTENER_METRIC,
      help: '1 while the worker LISTENs for new jobs, 0 while it falls back to polling',
      registers: [],
    });
    const known = this.knownQueues;
    const live = new Gauge({
      name: 'taskyard_jobs_live',
      help: 'Queued and running jobs by queue (read from the database at scrape time)',
      labelNames: ['queue', 'status'],
      registers,
      async collect() {
        const { rows } = await database.pool.query<{
          queue: string;
          status: string | null;
          count: number;
        }>(LIVE_COUNTS);
        this.reset();
        const queues = new Set([...known, ...rows.map((row) => row.queue)]);
        for (const queue of queues)
          for (const status of LIVE_STATUSES) this.set({ queue, status }, 0);
        for (const row of rows) {
          if (row.status) this.set({ queue: row.queue, status: row.status }, row.count);
        }
      },
    });
    void live;
  }

  /** Exposes taskyard_jobs_listener_connected, for a worker that LISTENs. */
  reportListener(): Gauge {
    if (!this.registry.getSingleMetric(LISTENER_METRIC))
      this.registry.registerMetric(this.listenerConnected);
    return this.listenerConnected;
  }

  onApplicationBootstrap(): void {
    for (const { type, options } of this.handlers.all()) {
      const labels = { queue: options.queue ?? 'default', type };
      this.knownQueues.add(labels.queue);
      for (const counter of [
        this.enqueued,
        this.completed,
        this.failed,
        this.retried,
        this.cancelled,
      ])
        counter.inc(labels, 0);
    }
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
