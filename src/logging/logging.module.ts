import {
  type DynamicModule,
  type FactoryProvider,
  Global,
  Module,
  type Provider,
} from '@nestjs/common';
import type { Logger } from 'pino';
import { ContextLogger, loggerContexts, loggerToken } from './logger.js';

/** The pino logger every ContextLogger is a child of. */
export const ROOT_LOGGER = 'taskyard:root-logger';

/** Provides a ContextLogger for every context that a provider asks for with @InjectLogger. */
@Global()
@Module({})
export class LoggingModule {
  static forRoot(rootLogger: Logger): DynamicModule {
    return LoggingModule.withRoot({ provide: ROOT_LOGGER, useValue: rootLogger });
  }

  /** A root logger made once the settings are known (TaskyardModule.forRootAsync). */
  static forRootAsync(factory: Omit<FactoryProvider<Logger>, 'provide'>): DynamicModule {
    return LoggingModule.withRoot({ provide: ROOT_LOGGER, ...factory });
  }

  private static withRoot(root: Provider): DynamicModule {
    const providers: Provider[] = [...loggerContexts].map((context) => ({
      provide: loggerToken(context),
      inject: [ROOT_LOGGER],
      useFactory: (rootLogger: Logger) => new ContextLogger(rootLogger, context),
    }));
    providers.push(root);
    return { module: LoggingModule, providers, exports: providers };
  }
}
