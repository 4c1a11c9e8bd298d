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
import { Counter, Gauge, Histogram } from 'prom-client';
import { DataSource } from 'typeorm';
import { MetricsRegistry } from '../metrics/metrics.registry.js';
import { poolOf } from './db.js';
const LIVE_COUNTS = `
SELECT queue, status, count(*)::int AS count FROM jobs
WHERE status IN ('queued', 'running') GROUP BY queue, status`;
let JobsMetrics = class JobsMetrics {
    enqueued;
    completed;
    failed;
    retried;
    cancelled;
    duration;
    queueWait;
    listenerConnected;
    constructor(registry, dataSource) {
        const registers = [registry];
        const labelNames = ['queue', 'type'];
        const counter = (name, help) => new Counter({ name, help, labelNames, registers });
        this.enqueued = counter('jobs_enqueued_total', 'Jobs enqueued');
        this.completed = counter('jobs_completed_total', 'Jobs that succeeded');
        this.failed = counter('jobs_failed_total', 'Jobs that failed for good (attempts used up or permanent error)');
        this.retried = counter('jobs_retried_total', 'Failed attempts that were scheduled to run again');
        this.cancelled = counter('jobs_cancelled_total', 'Running jobs that stopped because they were cancelled');
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
                const { rows } = await poolOf(dataSource).query(LIVE_COUNTS);
                this.reset();
                for (const row of rows)
                    this.set({ queue: row.queue, status: row.status }, row.count);
            },
        });
        void live;
    }
};
JobsMetrics = __decorate([
    Injectable(),
    __metadata("design:paramtypes", [MetricsRegistry, DataSource])
], JobsMetrics);
export { JobsMetrics };
//# sourceMappingURL=jobs.metrics.js.map