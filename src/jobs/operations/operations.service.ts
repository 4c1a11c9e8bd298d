import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../config/app-config.js';
import { Database } from '../../database/database.js';
import type { Db } from '../db.js';
import { HandlerRegistry } from '../handler-registry.js';
import { activityWindow, finishedPerMinute } from '../sql/activity.sql.js';
import { type StuckReason, type StuckRow, stuckJobs } from '../sql/stuck.sql.js';

const MINUTE_MS = 60_000;

export interface ActivityBucket {
  /** The minute's start. */
  at: Date;
  succeeded: number;
  failed: number;
}

export interface Activity {
  from: Date;
  to: Date;
  bucketSeconds: 60;
  /** Every queue that finished a job in the window, each with one bucket per minute. */
  queues: { queue: string; buckets: ActivityBucket[] }[];
}

export interface StuckJob {
  reason: StuckReason;
  taskId: string | null;
  jobId: string;
  type: string;
  queue: string;
  worker: string | null;
  startedAt: Date;
  timeLimitMs: number;
  leaseExpiresAt: Date | null;
}

/** What the operations views read of the queue: throughput per minute, and running work in trouble. */
@Injectable()
export class OperationsService {
  private readonly db: Db;

  constructor(
    database: Database,
    private readonly config: AppConfig,
    private readonly handlers: HandlerRegistry,
  ) {
    this.db = database.pool;
  }

  /** Dense: a minute without finished jobs is a bucket of zeros, so that a chart draws it. */
  async activity(minutes: number): Promise<Activity> {
    const { from, to } = await activityWindow(this.db, minutes);
    const rows = await finishedPerMinute(this.db, from);
    const byQueue = new Map<string, ActivityBucket[]>();
    for (const row of rows) {
      let buckets = byQueue.get(row.queue);
      if (!buckets) {
        buckets = Array.from({ length: minutes }, (_, i) => ({
          at: new Date(from.getTime() + i * MINUTE_MS),
          succeeded: 0,
          failed: 0,
        }));
        byQueue.set(row.queue, buckets);
      }
      const bucket = buckets[Math.round((row.at.getTime() - from.getTime()) / MINUTE_MS)];
      if (bucket) Object.assign(bucket, { succeeded: row.succeeded, failed: row.failed });
    }
    const queues = [...byQueue].map(([queue, buckets]) => ({ queue, buckets }));
    return {
      from,
      to,
      bucketSeconds: 60,
      queues: queues.sort((a, b) => a.queue.localeCompare(b.queue)),
    };
  }

  /** Oldest first; a job both over its limit and lapsing is reported as over_time_limit. */
  async stuck(): Promise<StuckJob[]> {
    const { leaseMs, defaultTimeoutMs } = this.config.jobs;
    const handlerTimeoutMs = this.handlers.timeoutsByType();
    const rows = await stuckJobs(this.db, { leaseMs, handlerTimeoutMs, defaultTimeoutMs });
    return rows.map(toStuckJob);
  }
}

function toStuckJob(row: StuckRow): StuckJob {
  return {
    reason: row.over_time_limit ? 'over_time_limit' : 'lease_lapsing',
    taskId: row.task_id,
    jobId: row.job_id,
    type: row.type,
    queue: row.queue,
    worker: row.lease_owner,
    startedAt: row.started_at,
    timeLimitMs: row.time_limit_ms,
    leaseExpiresAt: row.lease_expires_at,
  };
}
