import type { DataSourceOptions } from 'typeorm';
import type { AppConfig } from '../config/app-config.js';
import { pgConnectionSettings } from './connection-options.js';
import { ENTITIES } from './entities.js';

/** TypeORM on `pg`, schema owned by the SQL files in migrations/ (never synchronize). */
export function dataSourceOptions(config: AppConfig): DataSourceOptions {
  const { poolSize, connectTimeoutMs } = config.database;
  const { connectionString, options } = pgConnectionSettings(config.database);
  return {
    type: 'postgres',
    url: connectionString,
    // Where TypeORM's schema tools look; queries stay unqualified (it is the search_path).
    schema: config.database.schema,
    synchronize: false,
    migrationsRun: false,
    entities: ENTITIES,
    logging: false,
    poolSize,
    connectTimeoutMS: connectTimeoutMs,
    applicationName: `taskyard-${config.role}`,
    extra: { options },
  };
}
