import {
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { Database } from '../database/database.js';
import type { Db } from '../database/db.js';
import { ProblemException } from '../http/problem.js';
import { ContextLogger, InjectLogger } from '../logging/logger.js';
import { TaskCreator } from '../tasks/task-creator.js';
import { CronTimes } from './cron-times.js';

/** The due schedules, locked for this transaction; another process skips them. */
const CLAIM_DUE = `
SELECT id, tenant, type, payload, options, input_file_id, cron, timezone
FROM task_schedules WHERE next_run_at <= $1
ORDER BY next_run_at LIMIT $2
FOR UPDATE SKIP LOCKED`;

const RECORD_RUN = `
UPDATE task_schedules
SET next_run_at = $2, last_run_at = $3, last_task_id = coalesce($4, last_task_id), last_error = $5,
    updated_at = now()
WHERE id = $1`;

interface DueSchedule {
  id: string;
  tenant: string;
  type: string;
  payload: unknown;
  options: Record<string, unknown>;
  input_file_id: string | null;
  cron: string;
  timezone: string;
}

const BATCH = 50;

/**
 * Runs on worker processes: every SCHEDULES_POLL_MS it creates the tasks of the due schedules.
 * Exactly one task per tick across all processes: a schedule is taken under its row lock (FOR
 * UPDATE SKIP LOCKED), and its task carries the idempotency key `schedule:<id>:<tick>`, so a
 * process that dies after creating it and before moving the schedule on creates nothing twice.
 * Ticks missed while no worker ran: the latest one runs once, the older ones are skipped.
 */
@Injectable()
export class ScheduleTicker implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private running = false;

  constructor(
    private readonly database: Database,
    private readonly creator: TaskCreator,
    private readonly config: AppConfig,
    @InjectLogger('schedules') private readonly logger: ContextLogger,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.tick(), this.config.schedules.pollMs);
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  private async tick(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      while ((await this.runDue(new Date())) === BATCH);
    } catch (error) {
      this.logger.warn({ err: error }, 'running due schedules failed; trying again');
    } finally {
      this.running = false;
    }
  }

  /** Creates the tasks of the schedules due at `now`; answers how many it took. */
  async runDue(now: Date): Promise<number> {
    return this.database.transaction(async (tx) => {
      const { rows } = await tx.query<DueSchedule>(CLAIM_DUE, [now, BATCH]);
      for (const schedule of rows) await this.run(tx, schedule, now);
      return rows.length;
    });
  }

  private async run(tx: Db, schedule: DueSchedule, now: Date): Promise<void> {
    const times = new CronTimes(schedule.cron, schedule.timezone);
    const tick = times.latest(now) ?? now;
    const next = times.next(now)[0] ?? null;
    let taskId: string | null = null;
    let refused: string | null = null;
    try {
      const caller = {
        keyId: `schedule:${schedule.id}`,
        tenant: schedule.tenant,
        role: 'user' as const,
      };
      const spec = {
        type: schedule.type,
        payload: schedule.payload ?? undefined,
        options: schedule.options,
        fileId: schedule.input_file_id ?? undefined,
      };
      const key = `schedule:${schedule.id}:${tick.toISOString()}`;
      taskId = (await this.creator.create(caller, { spec }, key)).task.id;
    } catch (error) {
      // Refused (the tenant's queued-tasks limit, a type or file gone): this tick is skipped.
      if (!(error instanceof ProblemException)) throw error;
      refused = error.problem.detail ?? error.message;
      this.logger.warn(
        { scheduleId: schedule.id, tick, reason: refused },
        'a schedule made no task',
      );
    }
    await tx.query(RECORD_RUN, [schedule.id, next, tick, taskId, refused]);
  }
}
