import { Global, Injectable, Module, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource, TypeOrmModule } from '@nestjs/typeorm';
import { ContextLogger, InjectLogger } from '../logging/logger.js';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import { Database, TASKYARD_DATA_SOURCE } from './database.js';
import { dataSourceOptions } from './data-source-options.js';
import { assertPooledSearchPath, migrateDirect } from './startup-migrations.js';

/**
 * Brings the schema up to date before the application takes traffic, and checks that pooled
 * connections find it.
 */
@Injectable()
export class MigrateOnStartup implements OnModuleInit {
  constructor(
    private readonly config: AppConfig,
    @InjectDataSource(TASKYARD_DATA_SOURCE) private readonly dataSource: DataSource,
    @InjectLogger(MigrateOnStartup.name) private readonly logger: ContextLogger,
  ) {}

  async onModuleInit(): Promise<void> {
    const { runMigrations, pooler, schema } = this.config.database;
    if (runMigrations) {
      const applied = await migrateDirect(this.config, this.dataSource);
      if (applied.length > 0) {
        this.logger.info({ migrations: applied.map((m) => m.version) }, 'migrations applied');
      }
    }
    if (pooler === 'transaction') await assertPooledSearchPath(this.dataSource, schema);
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
