import { type DynamicModule, Injectable, Module, Scope, type Type } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { TaskProcessor, type TaskProcessorHandler, TaskyardModule } from '../../../src/index.js';
import { BillingModule } from './billing.module.js';
import { Invoice } from './invoice.entity.js';

export interface HostOptions {
  databaseUrl: string;
  /** Taskyard's schema in the host's database. */
  schema: string;
  dataDir: string;
  /** Host modules beside BillingModule. */
  modules?: Type[];
}

/**
 * A NestJS application of its own that uses Taskyard as a library, as the README's "Use Taskyard
 * inside your NestJS app" shows: its own TypeORM DataSource (the default one) and entity, its own
 * module with its own task processor, and TaskyardModule pointed at the same database.
 */
@Module({})
export class HostAppModule {
  static forRoot(options: HostOptions): DynamicModule {
    return {
      module: HostAppModule,
      imports: [
        TypeOrmModule.forRoot({ type: 'postgres', url: options.databaseUrl, entities: [Invoice] }),
        TaskyardModule.forRoot({
          database: { url: options.databaseUrl, schema: options.schema },
          settings: { DATA_DIR: options.dataDir, LOG_LEVEL: 'silent', WORKER_CONCURRENCY: 4 },
        }),
        BillingModule,
        ...(options.modules ?? []),
      ],
    };
  }
}

/** Claims the built-in `echo` type a second time: start-up must refuse it. */
@Injectable()
@TaskProcessor('echo', { input: 'payload' })
class SecondEchoProcessor implements TaskProcessorHandler {
  process(): string {
    return 'second';
  }
}

@Module({ providers: [SecondEchoProcessor] })
export class SecondEchoModule {}

/** A processor Nest makes per request: the worker could not call it, so start-up must refuse it. */
@Injectable({ scope: Scope.REQUEST })
@TaskProcessor('billing.scoped', { input: 'payload' })
class ScopedProcessor implements TaskProcessorHandler {
  process(): string {
    return 'scoped';
  }
}

@Module({ providers: [ScopedProcessor] })
export class ScopedProcessorModule {}
