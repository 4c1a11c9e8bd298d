var __decorate = (this && this.__decorate) || function (decorators, target, key, desc) {
    var c = arguments.length, r = c < 3 ? target : desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc, d;
    if (typeof Reflect === "object" && typeof Reflect.decorate === "function") r = Reflect.decorate(decorators, target, key, desc);
    else for (var i = decorators.length - 1; i >= 0; i--) if (d = decorators[i]) r = (c < 3 ? d(r) : c > 3 ? d(target, key, r) : d(target, key)) || r;
    return c > 3 && r && Object.defineProperty(target, key, r), r;
};
import { Global, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { CronScheduler } from './cron-scheduler.js';
import { ReaperService } from './reaper.service.js';
import { RetentionHandler } from './retention.handler.js';
import { WorkerHealthIndicator } from './worker.health.js';
import { WorkerService } from './worker.service.js';
let WorkerModule = class WorkerModule {
};
WorkerModule = __decorate([
    Global(),
    Module({
        imports: [TerminusModule],
        providers: [WorkerService, ReaperService, CronScheduler, RetentionHandler, WorkerHealthIndicator],
        exports: [WorkerService, WorkerHealthIndicator],
    })
], WorkerModule);
export { WorkerModule };
//# sourceMappingURL=worker.module.js.map