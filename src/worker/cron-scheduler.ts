import {
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { Cron } from 'croner';
import { Database } from '../database/database.js';
import { ContextLogger, InjectLogger } from '../logging/logger.js';
import { AppConfig } from '../config/app-config.js';
import { type Db } from '../jobs/db.js';
import { HandlerRegistry } from '../jobs/handler-registry.js';
import { fireSchedule, registerSchedule } from '../jobs/sql/schedule.sql.js';
import { PRUNE_JOB_TYPE } from './retention.handler.js';

interface Schedule {
  name: string;
  cron: string;
  type: string;
  queue: string;
  maxAttempts: number;
}

/**
 * Recurring jobs. Every worker process keeps a timer per schedule and tries to enqueue at every
 * tick; fireSchedule() lets exactly one of them succeed per tick.
 *
 * Missed ticks (all workers were down): at start-up the most recent missed tick runs once; older
 * ones are skipped. A schedule seen for the first time waits for its next tick.
 */
@Injectable()
export class CronScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly db: Db;
  private readonly timers: Cron[] = [];

  constructor(
    database: Database,
    private readonly config: AppConfig,
    private readonly handlers: HandlerRegistry,
    @InjectLogger('CronScheduler') private readonly logger: ContextLogger,
  ) {
    this.db = database.pool;
  }

  async onApplicationBootstrap(): Promise<void> {
    for (const schedule of this.schedules()) {
      const timer = new Cron(
        schedule.cron,
        { timezone: 'UTC', protect: true },
        () => void this.fire(schedule, timer),
      );
      this.timers.push(timer);
      const latest = latestTick(timer);
      await registerSchedule(this.db, schedule.name, schedule.cron, latest);
      await this.fireAt(schedule, latest);
    }
  }

  onApplicationShutdown(): void {
    for (const timer of this.timers.splice(0)) timer.stop();
  }

  private schedules(): Schedule[] {
    const fromHandlers = this.handlers
      .all()
      .filter((h) => h.options.cron !== undefined)
      .map((h) => ({
        name: h.type,
        cron: h.options.cron ?? '',
        type: h.type,
        queue: h.options.queue ?? 'default',
        maxAttempts: h.options.maxAttempts ?? this.config.jobs.defaultMaxAttempts,
      }));
    const retention = {
      name: PRUNE_JOB_TYPE,
      cron: this.config.jobs.retentionCron,
      type: PRUNE_JOB_TYPE,
      queue: 'default',
      maxAttempts: 3,
    };
    return [...fromHandlers, retention];
  }

  private async fire(schedule: Schedule, timer: Cron): Promise<void> {
    await this.fireAt(schedule, latestTick(timer));
  }

  private async fireAt(schedule: Schedule, tick: Date): Promise<void> {
    try {
      const jobId = await fireSchedule(this.db, { ...schedule, tick });
      if (jobId)
        this.logger.info({ schedule: schedule.name, tick, jobId }, 'recurring job enqueued');
    } catch (error) {
      this.logger.warn(
        { err: error, schedule: schedule.name, tick },
        'enqueueing a recurring job failed',
      );
    }
  }
}

/** The schedule's most recent tick at or before now, shared by every process (it derives from the expression). */
function latestTick(timer: Cron): Date {
  return timer.previousRuns(1, new Date(Date.now() + 1))[0] ?? new Date(0);
}
