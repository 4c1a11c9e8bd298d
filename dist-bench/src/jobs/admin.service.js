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
import { poolOf } from './db.js';
import { JOB_STATUSES } from './job.js';
import { pausedQueues, queueStats, setQueuePaused } from './sql/queues.sql.js';
let QueueAdminService = class QueueAdminService {
    db;
    constructor(dataSource) {
        this.db = poolOf(dataSource);
    }
    async queues() {
        const [rows, paused] = await Promise.all([queueStats(this.db), pausedQueues(this.db)]);
        const byName = new Map();
        const summary = (name) => {
            let found = byName.get(name);
            if (!found) {
                const counts = Object.fromEntries(JOB_STATUSES.map((s) => [s, 0]));
                found = {
                    name,
                    paused: paused.has(name),
                    counts,
                    running: 0,
                    oldestQueuedAgeSeconds: null,
                };
                byName.set(name, found);
            }
            return found;
        };
        for (const name of paused)
            summary(name);
        for (const row of rows) {
            const queue = summary(row.queue);
            queue.counts[row.status] = row.count;
            if (row.status === 'running')
                queue.running = row.count;
            if (row.status === 'queued')
                queue.oldestQueuedAgeSeconds = row.oldest_runnable_age_s;
        }
        return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
    }
    async setPaused(queue, paused) {
        await setQueuePaused(this.db, queue, paused);
        return (await this.queues()).find((q) => q.name === queue);
    }
};
QueueAdminService = __decorate([
    Injectable(),
    __metadata("design:paramtypes", [DataSource])
], QueueAdminService);
export { QueueAdminService };
//# sourceMappingURL=admin.service.js.map