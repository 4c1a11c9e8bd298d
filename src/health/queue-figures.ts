import { Injectable } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { AppConfig } from '../config/app-config.js';
import { Database } from '../database/database.js';
import { HandlerRegistry } from '../jobs/handler-registry.js';
import { oldestRunnableWaitMs } from '../jobs/sql/queues.sql.js';
import { countStuckJobs } from '../jobs/sql/stuck.sql.js';
import { MetricsRegistry } from '../metrics/metrics.registry.js';
import { countWorkers } from '../worker/worker-processes.sql.js';

export interface QueueFigures {
  /** Milliseconds the oldest runnable job has waited; 0 when none is runnable. */
  oldestWaitMs: number;
  stuck: number;
  alive: number;
  stale: number;
}

/**
 * The queue's state as the whole cluster sees it (every process reads the same database): what
 * GET /health/queue judges, and the gauges alerting rules read (docs/prometheus/taskyard-alerts.yml).
 */
@Injectable()
export class QueueFiguresReader {
  private inFlight?: Promise<QueueFigures>;

  constructor(
    private readonly config: AppConfig,
    private readonly database: Database,
    private readonly handlers: HandlerRegistry,
    metrics: MetricsRegistry,
  ) {
    const gauge = (name: string, help: string, value: (figures: QueueFigures) => number) => {
      const metric: Gauge = new Gauge({
        name,
        help,
        registers: [metrics],
        collect: async () => metric.set(value(await this.shared())),
      });
    };
    gauge(
      'taskyard_jobs_oldest_runnable_wait_seconds',
      'How long the oldest runnable job (queued, due, queue not paused) has waited; 0 when none',
      (f) => f.oldestWaitMs / 1000,
    );
    gauge(
      'taskyard_jobs_stuck',
      'Running jobs past their time limit, or whose lease ran out unreaped, by more than JOBS_LEASE_MS',
      (f) => f.stuck,
    );
    gauge(
      'taskyard_workers_alive',
      'Worker processes and remote workers alive (heard from within WORKERS_GONE_AFTER_MS)',
      (f) => f.alive,
    );
    gauge(
      'taskyard_workers_stale',
      'Worker processes silent past WORKERS_GONE_AFTER_MS without a clean stop, within HEALTH_QUEUE_STALE_WORKER_WINDOW_MS',
      (f) => f.stale,
    );
  }

  async read(): Promise<QueueFigures> {
    const { health, jobs, workers } = this.config;
    const db = this.database.pool;
    const [oldestWaitMs, stuck, counts] = await Promise.all([
      oldestRunnableWaitMs(db),
      countStuckJobs(db, {
        leaseMs: jobs.leaseMs,
        handlerTimeoutMs: this.handlers.timeoutsByType(),
        defaultTimeoutMs: jobs.defaultTimeoutMs,
      }),
      countWorkers(db, workers.goneAfterMs, health.queue.staleWorkerWindowMs),
    ]);
    return { oldestWaitMs, stuck, ...counts };
  }

  /** prom-client collects a scrape's gauges at once: the four share the read under way. */
  private shared(): Promise<QueueFigures> {
    this.inFlight ??= this.read().finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }
}
