import { type DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { Logger } from 'pino';
import { assignRequestId } from './request-id.js';

/** Routes that probes and scrapers hit every few seconds: no access log line for them. */
const QUIET_ROUTES = ['/health/live', '/health/ready', '/metrics'];

@Module({})
export class LoggingModule {
  static forRoot(rootLogger: Logger): DynamicModule {
    return {
      module: LoggingModule,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: {
            logger: rootLogger,
            genReqId: assignRequestId,
            customLogLevel: (_request, response, error) =>
              error || response.statusCode >= 500
                ? 'error'
                : response.statusCode >= 400
                  ? 'warn'
                  : 'info',
            autoLogging: {
              ignore: (request) => QUIET_ROUTES.includes(request.url?.split('?')[0] ?? ''),
            },
            serializers: {
              req: (request: { id: unknown; method: string; url: string }) => ({
                id: request.id,
                method: request.method,
                url: request.url,
              }),
            },
          },
        }),
      ],
    };
  }
}
