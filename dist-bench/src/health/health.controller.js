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
import { Controller, Get, Optional, ServiceUnavailableException } from '@nestjs/common';
import { HealthCheck, HealthCheckService, MemoryHealthIndicator, TypeOrmHealthIndicator, } from '@nestjs/terminus';
import { ApiTags } from '@nestjs/swagger';
import { AppConfig } from '../config/app-config.js';
import { ProblemException } from '../http/problem.js';
import { WorkerHealthIndicator } from '../worker/worker.health.js';
import { StorageHealthIndicator } from './storage.health.js';
let HealthController = class HealthController {
    health;
    database;
    storage;
    memory;
    config;
    worker;
    constructor(health, database, storage, memory, config, worker) {
        this.health = health;
        this.database = database;
        this.storage = storage;
        this.memory = memory;
        this.config = config;
        this.worker = worker;
    }
    live() {
        return { status: 'ok', uptimeSeconds: Math.round(process.uptime()) };
    }
    async ready() {
        const { health } = this.config;
        const worker = this.worker;
        try {
            return await this.health.check([
                () => this.database.pingCheck('database', { timeout: health.checkTimeoutMs }),
                () => this.storage.check('storage'),
                () => this.memory.checkHeap('heap', health.maxHeapBytes),
                ...(worker ? [() => worker.check('worker')] : []),
            ]);
        }
        catch (error) {
            throw error instanceof ServiceUnavailableException ? notReady(error) : error;
        }
    }
};
__decorate([
    Get('live'),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", []),
    __metadata("design:returntype", Object)
], HealthController.prototype, "live", null);
__decorate([
    Get('ready'),
    HealthCheck(),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", []),
    __metadata("design:returntype", Promise)
], HealthController.prototype, "ready", null);
HealthController = __decorate([
    ApiTags('health'),
    Controller('health'),
    __param(5, Optional()),
    __metadata("design:paramtypes", [HealthCheckService,
        TypeOrmHealthIndicator,
        StorageHealthIndicator,
        MemoryHealthIndicator,
        AppConfig,
        WorkerHealthIndicator])
], HealthController);
export { HealthController };
function notReady(error) {
    const result = error.getResponse();
    const failing = Object.keys(result.error ?? {});
    return new ProblemException({
        status: 503,
        slug: 'not-ready',
        title: 'Not ready',
        detail: result.status === 'shutting_down'
            ? 'The process is shutting down'
            : `Failing checks: ${failing.join(', ')}`,
        extensions: { checks: result.details },
    });
}
//# sourceMappingURL=health.controller.js.map