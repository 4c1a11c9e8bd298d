import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import helmet from 'helmet';
import type { Logger as PinoLogger } from 'pino';
import { type AppExtraModules, AppModule } from './app.module.js';
import { AppConfig } from './config/app-config.js';
import { PostgresIoAdapter } from './gateway/postgres-io.adapter.js';
import { listenTarget } from './database/connection-options.js';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { API_KEY_SCHEME, API_KEY_SCHEME_DESCRIPTION } from './http/openapi.js';
import { StorableInputInterceptor } from './http/storable-input.interceptor.js';
import { createValidationPipe } from './http/validation.js';
import { limitConnections } from './http-server.js';
import { accessLog } from './logging/access-log.js';
import { NestLogAdapter } from './logging/nest-log-adapter.js';
import { requestIdMiddleware } from './logging/request-id.js';

/** Builds the configured application without listening: main.ts and the tests share it. */
export async function createApp(
  config: AppConfig,
  rootLogger: PinoLogger,
  /** Modules beside the application's own (tests use it). */
  extraModules: AppExtraModules = {},
): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.forRoot(config, rootLogger, extraModules),
    // Errors reach the caller instead of aborting the process, which start-up reports in one line.
    { logger: new NestLogAdapter(rootLogger), abortOnError: false },
  );
  app.disable('x-powered-by');
  limitConnections(app.getHttpServer(), config.http);
  app.use(requestIdMiddleware);
  app.use(accessLog(rootLogger));
  app.use(helmet());
  const origins = config.auth.corsOrigins;
  if (origins.length > 0) {
    app.enableCors({
      origin: origins.includes('*') ? true : origins,
      // Every response header the OpenAPI document names, so that a browser client reads them too.
      exposedHeaders: [
        'Location',
        'ETag',
        'Retry-After',
        'X-Request-Id',
        'Preference-Applied',
        'Idempotent-Replayed',
        'WWW-Authenticate',
        'Accept-Ranges',
        'Content-Range',
        'Content-Disposition',
      ],
    });
  }
  app.useBodyParser('json', { limit: '1mb' });
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalInterceptors(new StorableInputInterceptor());
  if (config.runsApi) {
    const listen = listenTarget(config.database);
    // Without a direct connection the adapter could not LISTEN: Socket.IO's own in-memory adapter
    // then (task events reach sockets through TaskEventsListener either way).
    app.useWebSocketAdapter(
      listen ? new PostgresIoAdapter(app, listen, rootLogger) : new IoAdapter(app),
    );
  }
  if (config.docsEnabled && config.runsApi) mountOpenApi(app);
  return app;
}

/** The document describes every route as it answers (docs/architecture.md, "OpenAPI"). */
function mountOpenApi(app: NestExpressApplication): void {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Taskyard')
      .setDescription(
        'Task-processing backend: upload task files, follow them live, fetch results. Errors ' +
          'are RFC 9457 application/problem+json; every answer carries X-Request-Id. Live ' +
          'events: Socket.IO namespace /tasks (see the README).',
      )
      .setVersion('1')
      .addSecurity(API_KEY_SCHEME, {
        type: 'http',
        scheme: 'bearer',
        description: API_KEY_SCHEME_DESCRIPTION,
      })
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
}
