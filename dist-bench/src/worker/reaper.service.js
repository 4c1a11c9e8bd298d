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
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import { poolOf } from '../jobs/db.js';
import { reapExpired } from '../jobs/sql/reap.sql.js';
let ReaperService = class ReaperService {
    config;
    logger;
    db;
    timer;
    running = false;
    constructor(dataSource, config, logger) {
        this.config = config;
        this.logger = logger;
        this.db = poolOf(dataSource);
    }
    onApplicationBootstrap() {
        this.timer = setInterval(() => void this.reap(), this.config.jobs.reaperIntervalMs);
    }
    onApplicationShutdown() {
        clearInterval(this.timer);
    }
    async reap() {
        if (this.running)
            return;
        this.running = true;
        try {
            const reaped = await reapExpired(this.db);
            if (reaped.length > 0) {
                this.logger.warn({ jobs: reaped }, `${reaped.length} job(s) had an expired lease and were taken back`);
            }
        }
        catch (error) {
            this.logger.warn({ err: error }, 'reaping expired leases failed');
        }
        finally {
            this.running = false;
        }
    }
};
ReaperService = __decorate([
    Injectable(),
    __param(2, InjectPinoLogger('Reaper')),
    __metadata("design:paramtypes", [DataSource,
        AppConfig,
        PinoLogger])
], ReaperService);
export { ReaperService };
//# sourceMappingURL=reaper.service.js.map