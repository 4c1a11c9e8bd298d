import type { DataSourceOptions } from 'typeorm';
import type { AppConfig } from '../config/app-config.js';
import { ENTITIES } from './entities.js';

/** TypeORM on `pg`, schema owned by the SQL files in migrations/ (never synchronize). */
export function dataSourceOptions(config: AppConfig): DataSourceOptions {
  const { url, poolSize, connectTimeoutMs } = config.database;
  if (!url) throw new Error('The database URL is not known yet: start the embedded server first');
  return {
    type: 'postgres',
    url,
    synchronize: false,
    migrationsRun: false,
    entities: ENTITIES,
    logging: false,
    poolSize,
    connectTimeoutMS: connectTimeoutMs,
    applicationName: `taskyard-${config.role}`,
    extra: {
      // Short OLTP statements only: the claim query's cost estimate can pass jit_above_cost, and
      // JIT compilation then adds ~30 ms to a statement that runs in ~2 ms.
      options: '-c jit=off',
    },
  };
}
