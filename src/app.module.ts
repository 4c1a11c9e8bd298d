import { type DynamicModule, Module, type Type } from '@nestjs/common';
import { APP_FILTER, RouterModule } from '@nestjs/core';
import type { Logger } from 'pino';
import { AppConfig } from './config/app-config.js';
import { ConfigModule } from './config/config.module.js';
import { DatabaseModule } from './database/database.module.js';
import { HealthModule } from './health/health.module.js';
import { AuthModule } from './auth/auth.module.js';
import { FilesApiModule } from './files/files.module.js';
import { GatewayModule } from './gateway/gateway.module.js';
import { JobsAdminModule } from './jobs/admin.module.js';
import { JobsModule } from './jobs/jobs.module.js';
import { ProblemDetailsFilter } from './http/problem-details.filter.js';
import { LoggingModule } from './logging/logging.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { TasksApiModule, TasksModule } from './tasks/tasks.module.js';
import { TenantLimitsApiModule } from './tenants/tenant-limits.module.js';
import { WorkerModule } from './worker/worker.module.js';

/** Business routes live under this prefix; health, metrics and docs stay at the root. */
export const API_PREFIX = 'api/v1';

/** Feature modules whose controllers serve under API_PREFIX (none of them owns the prefix). */
const API_MODULES: Type[] = [
  AuthModule,
  FilesApiModule,
  TasksApiModule,
  JobsAdminModule,
  TenantLimitsApiModule,
  GatewayModule,
];

/** Modules tests add: `api` ones are mounted under the prefix, `providers` ones (e.g. job handlers) beside. */
export interface AppExtraModules {
  api?: Type[];
  providers?: Type[];
}

@Module({})
export class AppModule {
  /**
   * Every role serves health and metrics. The prefix is given through RouterModule rather than
   * setGlobalPrefix so that Nest's 404 handler and the request middleware cover every path.
   */
  static forRoot(
    config: AppConfig,
    rootLogger: Logger,
    extraModules: AppExtraModules = {},
  ): DynamicModule {
    const apiModules = config.runsApi ? [...API_MODULES, ...(extraModules.api ?? [])] : [];
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggingModule.forRoot(rootLogger),
        DatabaseModule,
        MetricsModule,
        JobsModule,
        TasksModule,
        ...(config.runsWorker ? [WorkerModule] : []),
        HealthModule,
        ...(extraModules.providers ?? []),
        ...apiModules,
        RouterModule.register([{ path: API_PREFIX, children: apiModules }]),
      ],
      providers: [{ provide: APP_FILTER, useClass: ProblemDetailsFilter }],
    };
  }
}
