import { DataSource } from 'typeorm';
import type { AppConfig } from '../config/app-config.js';
import { type ConnectionTarget, type DatabaseTargets, directTarget } from './connection-options.js';
import { dataSourceOptions } from './data-source-options.js';
import { type Migration, runMigrations } from './migrator.js';

/**
 * Where migrations run: the direct connection. Never through a transaction pooler: their session
 * advisory lock and search_path would stay on whichever server connection each statement got.
 */
export function migrationTarget(database: DatabaseTargets): ConnectionTarget {
  if (database.pooler === 'transaction' && !database.listenUrl) {
    throw new Error(
      'Migrations need a direct connection to PostgreSQL, and DATABASE_URL leads to a transaction pooler with DATABASE_LISTEN_URL=none: run them with DATABASE_URL set to PostgreSQL itself (DATABASE_POOLER and DATABASE_LISTEN_URL unset)',
    );
  }
  return directTarget(database);
}

/** Applies pending migrations on the direct connection: `pooled` itself when it is one. */
export async function migrateDirect(config: AppConfig, pooled: DataSource): Promise<Migration[]> {
  const { database } = config;
  const target = migrationTarget(database);
  if (target.url === database.url && database.pooler === 'none') {
    return runMigrations(pooled, database.schema);
  }
  const direct = new DataSource({ ...dataSourceOptions(config, target), poolSize: 1 });
  await direct.initialize();
  try {
    return await runMigrations(direct, database.schema);
  } finally {
    await direct.destroy();
  }
}

/**
 * Through a transaction pooler no start-up option can set the search_path (see
 * pgConnectionSettings): the role's own setting must name Taskyard's schema, or every unqualified
 * table and function would be looked for elsewhere. Checked once, after the migrations made it.
 */
export async function assertPooledSearchPath(pooled: DataSource, schema: string): Promise<void> {
  const [row] = (await pooled.query(
    'SELECT current_schema() AS schema, current_user AS role, current_database() AS database',
  )) as { schema: string | null; role: string; database: string }[];
  if (!row || row.schema === schema) return;
  throw new Error(
    `Connections through the pooler (DATABASE_POOLER=transaction) look in schema ${row.schema ?? '(none)'}, not ${schema}: run ALTER ROLE "${row.role}" IN DATABASE "${row.database}" SET search_path = ${schema} on PostgreSQL, then make the pooler open new server connections (PgBouncer: RECONNECT, or a restart)`,
  );
}
