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
import { poolOf } from '../jobs/db.js';
import { JobHandler } from '../jobs/job-handler.decorator.js';
import { pruneFinished } from '../jobs/sql/prune.sql.js';
export const PRUNE_JOB_TYPE = 'taskyard.jobs.prune';
let RetentionHandler = class RetentionHandler {
    dataSource;
    config;
    constructor(dataSource, config) {
        this.dataSource = dataSource;
        this.config = config;
    }
    async prune() {
        return { deleted: await pruneFinished(poolOf(this.dataSource), this.config.jobs.retentionMs) };
    }
};
__decorate([
    JobHandler(PRUNE_JOB_TYPE, { concurrency: 1, maxAttempts: 3 }),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", []),
    __metadata("design:returntype", Promise)
], RetentionHandler.prototype, "prune", null);
RetentionHandler = __decorate([
    Injectable(),
    __metadata("design:paramtypes", [DataSource,
        AppConfig])
], RetentionHandler);
export { RetentionHandler };
//# sourceMappingURL=retention.handler.js.map