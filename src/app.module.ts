import { type DynamicModule, Module, type Type } from '@nestjs/common';
import { APP_FILTER, RouterModule } from '@nestjs/core';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { Logger } from 'pino';
import { AppConfig } from './config/app-config.js';
import { DashboardModule } from './dashboard/dashboard.module.js';
import { HealthModule } from './health/health.module.js';
import { AuthModule } from './auth/auth.module.js';
import { FilesApiModule } from './files/files.module.js';
import { GatewayModule } from './gateway/gateway.module.js';
import { JobsAdminModule } from './jobs/admin.module.js';
import { FailuresAdminModule } from './tasks/failures/failures.module.js';
import { ProblemDetailsFilter } from './http/problem-details.filter.js';
import { MetricsApiModule } from './metrics/metrics.module.js';
import { RemoteWorkersModule } from './remote/remote-workers.module.js';
import { SchedulesApiModule } from './schedules/schedules.module.js';
import { TasksApiModule } from './tasks/tasks.module.js';
import { TaskyardModule } from './taskyard.module.js';
import { TracingModule } from './tracing/tracing.module.js';
import { TenantLimitsApiModule } from './tenants/tenant-limits.module.js';
import { TenantPurgeApiModule, TenantPurgeModule } from './tenants/tenant-purge.module.js';
import { WebhooksApiModule, WebhooksModule } from './webhooks/webhooks.module.js';
import { WorkersAdminModule } from './worker/workers-admin.module.js';

/** Business routes live under this prefix; health, metrics and docs stay at the root. */
export const API_PREFIX = 'api/v1';

/** Feature modules whose controllers serve under API_PREFIX (none of them owns the prefix). */
const API_MODULES: Type[] = [
  AuthModule,
  FilesApiModule,
  // Before the tasks API: its routes under /tasks/{id} must not meet that module's first.
  RemoteWorkersModule,
  TasksApiModule,
  JobsAdminModule,
  FailuresAdminModule,
  WorkersAdminModule,
  TenantLimitsApiModule,
  TenantPurgeApiModule,
  SchedulesApiModule,
  WebhooksApiModule,
  GatewayModule,
];

/** Modules tests add: `api` ones are mounted under the prefix, `providers` ones (e.g. job handlers) beside. */
export interface AppExtraModules {
  api?: Type[];
  providers?: Type[];
  /** Where spans go instead of OTLP, tracing on whatever the settings say (tests' in-memory exporter). */
  traceExporter?: SpanExporter;
}

@Module({})
export class AppModule {
  /**
   * The standalone service: TaskyardModule (queue, tasks, worker by role) with the HTTP around it.
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
        TracingModule.forRoot(config.tracing, extraModules.traceExporter),
        TaskyardModule.forConfig(config, rootLogger),
        MetricsApiModule,
        HealthModule,
        WebhooksModule,
        TenantPurgeModule,
        ...(extraModules.providers ?? []),
        ...apiModules,
        RouterModule.register([{ path: API_PREFIX, children: apiModules }]),
        ...(config.runsApi ? [DashboardModule] : []),
      ],
      providers: [{ provide: APP_FILTER, useClass: ProblemDetailsFilter }],
    };
  }
}
