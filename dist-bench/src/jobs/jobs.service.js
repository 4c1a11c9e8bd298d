var __decorate = (this && this.__decorate) || function (decorators, target, key, desc) {
    var c = arguments.length, r = c < 3 ? target : desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc, d;
    if (typeof Reflect === "object" && typeof Reflect.decorate === "function") r = Reflect.decorate(decorators, target, key, desc);
    else for (var i = decorators.length - 1; i >= 0; i--) if (d = decorators[i]) r = (c < 3 ? d(r) : c > 3 ? d(target, key, r) : d(target, key)) || r;
    return c > 3 && r && Object.defineProperty(target, key, r), r;
};
var __metadata = (this && this.__metadata) || function (k, v) {
    if (typeof Reflect === "object" && typeof Reflect.metadata === "function") return Reflect.metadata(k, v);
};
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import { connectionOf, poolOf } from './db.js';
import { EnqueueBatcher } from './enqueue-batcher.js';
import { insertRows, toEnqueueRow } from './enqueue-rows.js';
import { HandlerRegistry } from './handler-registry.js';
import { toJob } from './job.js';
import { JobsMetrics } from './jobs.metrics.js';
import { cancelJob, retryJob, selectJob } from './sql/control.sql.js';
let JobsService = class JobsService {
    config;
    handlers;
    metrics;
    db;
    batcher;
    constructor(dataSource, config, handlers, metrics) {
        this.config = config;
        this.handlers = handlers;
        this.metrics = metrics;
        this.db = poolOf(dataSource);
        this.batcher = new EnqueueBatcher(this.db);
    }
    async enqueue(spec, options = {}) {
        const rowJson = toEnqueueRow(spec, this.defaultMaxAttempts(spec.type));
        const row = options.manager
            ? (await insertRows(await connectionOf(options.manager), [rowJson], [spec.idempotencyKey ?? null]))[0]
            : await this.batcher.add(rowJson, spec.idempotencyKey ?? null);
        this.metrics.enqueued.inc({ queue: row.queue, type: row.type });
        return toJob(row);
    }
    async enqueueMany(specs, options = {}) {
        if (specs.length === 0)
            return [];
        const rows = specs.map((spec) => toEnqueueRow(spec, this.defaultMaxAttempts(spec.type)));
        const db = options.manager ? await connectionOf(options.manager) : this.db;
        const jobs = (await insertRows(db, rows, specs.map((s) => s.idempotencyKey ?? null))).map(toJob);
        for (const job of jobs)
            this.metrics.enqueued.inc({ queue: job.queue, type: job.type });
        return jobs;
    }
    async get(id) {
        const row = isJobId(id) ? await selectJob(this.db, id) : undefined;
        return row && toJob(row);
    }
    async cancel(id) {
        const row = isJobId(id) ? await cancelJob(this.db, id) : undefined;
        return row ? toJob(row) : this.get(id);
    }
    async retry(id) {
        const row = isJobId(id) ? await retryJob(this.db, id) : undefined;
        return row && toJob(row);
    }
    defaultMaxAttempts(type) {
        return this.handlers.get(type)?.options.maxAttempts ?? this.config.jobs.defaultMaxAttempts;
    }
};
JobsService = __decorate([
    Injectable(),
    __metadata("design:paramtypes", [DataSource,
        AppConfig,
        HandlerRegistry,
        JobsMetrics])
], JobsService);
export { JobsService };
function isJobId(id) {
    return /^[1-9]\d{0,18}$/.test(id);
}
//# sourceMappingURL=jobs.service.js.map