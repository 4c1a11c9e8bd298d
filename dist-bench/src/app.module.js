var __decorate = (this && this.__decorate) || function (decorators, target, key, desc) {
    var c = arguments.length, r = c < 3 ? target : desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc, d;
    if (typeof Reflect === "object" && typeof Reflect.decorate === "function") r = Reflect.decorate(decorators, target, key, desc);
    else for (var i = decorators.length - 1; i >= 0; i--) if (d = decorators[i]) r = (c < 3 ? d(r) : c > 3 ? d(target, key, r) : d(target, key)) || r;
    return c > 3 && r && Object.defineProperty(target, key, r), r;
};
var AppModule_1;
import { Module } from '@nestjs/common';
import { APP_FILTER, RouterModule } from '@nestjs/core';
import { ConfigModule } from './config/config.module.js';
import { DatabaseModule } from './database/database.module.js';
import { HealthModule } from './health/health.module.js';
import { JobsAdminModule } from './jobs/admin.module.js';
import { JobsModule } from './jobs/jobs.module.js';
import { ProblemDetailsFilter } from './http/problem-details.filter.js';
import { LoggingModule } from './logging/logging.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { WorkerModule } from './worker/worker.module.js';
export const API_PREFIX = 'api/v1';
const API_MODULES = [];
let AppModule = AppModule_1 = class AppModule {
    static forRoot(config, rootLogger, extraModules = {}) {
        const adminModules = config.adminApiEnabled ? [JobsAdminModule] : [];
        const apiModules = config.runsApi
            ? [...API_MODULES, ...adminModules, ...(extraModules.api ?? [])]
            : [];
        return {
            module: AppModule_1,
            imports: [
                ConfigModule.forRoot(config),
                LoggingModule.forRoot(rootLogger),
                DatabaseModule,
                MetricsModule,
                JobsModule,
                ...(config.runsWorker ? [WorkerModule] : []),
                HealthModule,
                ...(extraModules.providers ?? []),
                ...apiModules,
                RouterModule.register([{ path: API_PREFIX, children: apiModules }]),
            ],
            providers: [{ provide: APP_FILTER, useClass: ProblemDetailsFilter }],
        };
    }
};
AppModule = AppModule_1 = __decorate([
    Module({})
], AppModule);
export { AppModule };
//# sourceMappingURL=app.module.js.map