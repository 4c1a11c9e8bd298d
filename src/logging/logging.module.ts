import { type DynamicModule, Global, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import { ContextLogger, loggerContexts, loggerToken } from './logger.js';

/** Provides a ContextLogger for every context that a provider asks for with @InjectLogger. */
@Global()
@Module({})
export class LoggingModule {
  static forRoot(rootLogger: Logger): DynamicModule {
    const providers = [...loggerContexts].map((context) => ({
      provide: loggerToken(context),
      useValue: new ContextLogger(rootLogger, context),
    }));
    return { module: LoggingModule, providers, exports: providers };
  }
}
