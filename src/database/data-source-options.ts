import type { PostgresDataSourceOptions } from 'typeorm/driver/postgres/PostgresDataSourceOptions.js';
import type { AppConfig } from '../config/app-config.js';
import { type ConnectionTarget, pgConnectionSettings } from './connection-options.js';
import { ENTITIES } from './entities.js';

/**
 * TypeORM on `pg`, schema owned by the SQL files in migrations/ (never synchronize); on `target`
 * when not DATABASE_URL (the direct connection for migrations).
 */
export function dataSourceOptions(
  config: AppConfig,
  target: ConnectionTarget = config.database,
): PostgresDataSourceOptions {
  const { poolSize, connectTimeoutMs } = config.database;
  const { connectionString, ...extra } = pgConnectionSettings(target);
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
    extra,
  };
}
