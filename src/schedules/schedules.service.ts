import { Injectable } from '@nestjs/common';
import { type Caller, tenantScope } from '../auth/api-key.js';
import { AppConfig } from '../config/app-config.js';
import { ProblemException } from '../http/problem.js';
import { validationProblem } from '../http/validation.js';
import { TaskCreator } from '../tasks/task-creator.js';
import { checkCron, CronTimes } from './cron-times.js';
import type { ScheduleEntity } from './schedule.entity.js';
import type { CreateScheduleDto } from './schedules.dto.js';
import { SchedulesRepository } from './schedules.repository.js';

export interface ScheduleView {
  id: string;
  tenant: string;
  type: string;
  payload: unknown;
  options: Record<string, unknown>;
  fileId: string | null;
  cron: string;
  timezone: string;
  paused: boolean;
  nextRuns: string[];
  lastRunAt: Date | null;
  lastTaskId: string | null;
  lastError: string | null;
  createdAt: Date;
}

const NEXT_RUNS_SHOWN = 5;

/** Recurring tasks per tenant (the tenant rule of src/auth/api-key.ts: admins see all). */
@Injectable()
export class SchedulesService {
  constructor(
    private readonly schedules: SchedulesRepository,
    private readonly creator: TaskCreator,
    private readonly config: AppConfig,
  ) {}

  async create(caller: Caller, body: CreateScheduleDto): Promise<ScheduleView> {
    const timezone = body.timezone ?? 'UTC';
    const cronErrors = checkCron(body.cron, timezone, this.config.schedules.minIntervalS);
    const spec = {
      type: body.type,
      payload: body.payload,
      options: body.options,
      fileId: body.fileId,
    };
    const checked = await this.creator.checkChildSpec(caller.tenant, spec);
    const errors = [...cronErrors, ...(Array.isArray(checked) ? checked : [])];
    if (errors.length > 0 || Array.isArray(checked)) throw validationProblem(errors);
    const paused = body.paused ?? false;
    const saved = await this.schedules.create({
      tenant: caller.tenant,
      type: checked.type,
      payload: checked.payload ?? null,
      options: checked.options,
      inputFileId: checked.fileId ?? null,
      cron: body.cron,
      timezone,
      paused,
      nextRunAt: paused ? null : nextRun(body.cron, timezone, new Date()),
    });
    return toView(saved);
  }

  async list(caller: Caller): Promise<ScheduleView[]> {
    return (await this.schedules.list(tenantScope(caller))).map(toView);
  }

  async get(caller: Caller, id: string): Promise<ScheduleView> {
    return toView(await this.find(caller, id));
  }

  /** Paused: no runs, and ticks while paused are skipped. Resumed: from the next tick on. */
  async setPaused(caller: Caller, id: string, paused: boolean): Promise<ScheduleView> {
    const schedule = await this.find(caller, id);
    const nextRunAt = paused ? null : nextRun(schedule.cron, schedule.timezone, new Date());
    await this.schedules.setPaused(id, paused, nextRunAt);
    return toView(Object.assign(schedule, { paused, nextRunAt }));
  }

  async delete(caller: Caller, id: string): Promise<void> {
    if (!(await this.schedules.delete(id, tenantScope(caller)))) notFound(id);
  }

  private async find(caller: Caller, id: string): Promise<ScheduleEntity> {
    return (await this.schedules.find(id, tenantScope(caller))) ?? notFound(id);
  }
}

export function nextRun(cron: string, timezone: string, after: Date): Date | null {
  return new CronTimes(cron, timezone).next(after)[0] ?? null;
}

function toView(schedule: ScheduleEntity): ScheduleView {
  const nextRuns = schedule.paused
    ? []
    : new CronTimes(schedule.cron, schedule.timezone).next(new Date(), NEXT_RUNS_SHOWN);
  return {
    id: schedule.id,
    tenant: schedule.tenant,
    type: schedule.type,
    payload: schedule.payload,
    options: schedule.options,
    fileId: schedule.inputFileId,
    cron: schedule.cron,
    timezone: schedule.timezone,
    paused: schedule.paused,
    nextRuns: nextRuns.map((date) => date.toISOString()),
    lastRunAt: schedule.lastRunAt,
    lastTaskId: schedule.lastTaskId,
    lastError: schedule.lastError,
    createdAt: schedule.createdAt,
  };
}

function notFound(id: string): never {
  throw new ProblemException({ status: 404, detail: `There is no schedule with id ${id}.` });
}
