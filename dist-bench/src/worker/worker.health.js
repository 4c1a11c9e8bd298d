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
import { HealthIndicatorService } from '@nestjs/terminus';
import { AppConfig } from '../config/app-config.js';
import { WorkerService } from './worker.service.js';
let WorkerHealthIndicator = class WorkerHealthIndicator {
    indicators;
    worker;
    config;
    constructor(indicators, worker, config) {
        this.indicators = indicators;
        this.worker = worker;
        this.config = config;
    }
    check(key) {
        const session = this.indicators.check(key);
        const sinceLoopMs = Date.now() - this.worker.lastLoopAt;
        const limitMs = 3 * this.config.jobs.pollIntervalMs + 5000;
        const data = { listener: this.worker.listenerConnected, claimLoopAgoMs: sinceLoopMs };
        if (!this.worker.listenerConnected)
            return session.down({ ...data, message: 'NOTIFY listener disconnected' });
        if (sinceLoopMs > limitMs)
            return session.down({ ...data, message: `claim loop idle for over ${limitMs} ms` });
        return session.up(data);
    }
};
WorkerHealthIndicator = __decorate([
    Injectable(),
    __metadata("design:paramtypes", [HealthIndicatorService,
        WorkerService,
        AppConfig])
], WorkerHealthIndicator);
export { WorkerHealthIndicator };
//# sourceMappingURL=worker.health.js.map