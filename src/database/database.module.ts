import { Global, Injectable, Module, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource, TypeOrmModule } from '@nestjs/typeorm';
import { ContextLogger, InjectLogger } from '../logging/logger.js';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import { Database, TASKYARD_DATA_SOURCE } from './database.js';
import { dataSourceOptions } from './data-source-options.js';
import { runMigrations } from './migrator.js';

/** Brings the schema up to date before the application takes traffic. */
@Injectable()
export class MigrateOnStartup implements OnModuleInit {
  constructor(
    private readonly config: AppConfig,
    @InjectDataSource(TASKYARD_DATA_SOURCE) private readonly dataSource: DataSource,
    @InjectLogger(MigrateOnStartup.name) private readonly logger: ContextLogger,
  ) {}

  async onModuleInit(): Promise<void> {
    if (!this.config.database.runMigrations) return;
    const applied = await runMigrations(this.dataSource, this.config.database.schema);
    if (applied.length > 0) {
      this.logger.info({ migrations: applied.map((m) => m.version) }, 'migrations applied');
    }
  }
}

/** Global: every feature module reaches the database through `Database`. */
@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      name: TASKYARD_DATA_SOURCE,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        ...dataSourceOptions(config),
        retryAttempts: 5,
        retryDelay: 1000,
      }),
    }),
  ],
  providers: [MigrateOnStartup, Database],
  exports: [Database],
})
export class DatabaseModule {}
