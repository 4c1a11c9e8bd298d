var __decorate = (this && this.__decorate) || function (decorators, target, key, desc) {
    var c = arguments.length, r = c < 3 ? target : desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc, d;
    if (typeof Reflect === "object" && typeof Reflect.decorate === "function") r = Reflect.decorate(decorators, target, key, desc);
    else for (var i = decorators.length - 1; i >= 0; i--) if (d = decorators[i]) r = (c < 3 ? d(r) : c > 3 ? d(target, key, r) : d(target, key)) || r;
    return c > 3 && r && Object.defineProperty(target, key, r), r;
};
var __metadata = (this && this.__metadata) || function (k, v) {
    if (typeof Reflect === "object" && typeof Reflect.metadata === "function") return Reflect.metadata(k, v);
};
var __param = (this && this.__param) || function (paramIndex, decorator) {
    return function (target, key) { decorator(target, key, paramIndex); }
};
import { Injectable, } from '@nestjs/common';
import { Cron } from 'croner';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import { poolOf } from '../jobs/db.js';
import { HandlerRegistry } from '../jobs/handler-registry.js';
import { fireSchedule, registerSchedule } from '../jobs/sql/schedule.sql.js';
import { PRUNE_JOB_TYPE } from './retention.handler.js';
let CronScheduler = class CronScheduler {
    config;
    handlers;
    logger;
    db;
    timers = [];
    constructor(dataSource, config, handlers, logger) {
        this.config = config;
        this.handlers = handlers;
        this.logger = logger;
        this.db = poolOf(dataSource);
    }
    async onApplicationBootstrap() {
        for (const schedule of this.schedules()) {
            const timer = new Cron(schedule.cron, { timezone: 'UTC', protect: true }, () => void this.fire(schedule, timer));
            this.timers.push(timer);
            const latest = latestTick(timer);
            await registerSchedule(this.db, schedule.name, schedule.cron, latest);
            await this.fireAt(schedule, latest);
        }
    }
    onApplicationShutdown() {
        for (const timer of this.timers.splice(0))
            timer.stop();
    }
    schedules() {
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
    async fire(schedule, timer) {
        await this.fireAt(schedule, latestTick(timer));
    }
    async fireAt(schedule, tick) {
        try {
            const jobId = await fireSchedule(this.db, { ...schedule, tick });
            if (jobId)
                this.logger.info({ schedule: schedule.name, tick, jobId }, 'recurring job enqueued');
        }
        catch (error) {
            this.logger.warn({ err: error, schedule: schedule.name, tick }, 'enqueueing a recurring job failed');
        }
    }
};
CronScheduler = __decorate([
    Injectable(),
    __param(3, InjectPinoLogger('CronScheduler')),
    __metadata("design:paramtypes", [DataSource,
        AppConfig,
        HandlerRegistry,
        PinoLogger])
], CronScheduler);
export { CronScheduler };
function latestTick(timer) {
    return timer.previousRuns(1, new Date(Date.now() + 1))[0] ?? new Date(0);
}
//# sourceMappingURL=cron-scheduler.js.map