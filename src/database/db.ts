import type { Pool, PoolClient, QueryConfig, QueryResult, QueryResultRow } from 'pg';
import type { DataSource, EntityManager } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver.js';

/** Where hand-written SQL runs: the pool, or one connection inside a caller's transaction. */
export interface Db {
  query<Row extends QueryResultRow>(text: string, values?: unknown[]): Promise<QueryResult<Row>>;
  query<Row extends QueryResultRow>(config: QueryConfig): Promise<QueryResult<Row>>;
}

/**
 * A hot statement as a named prepared statement: each connection parses and plans it once instead
 * of at every call (planning the claim costs about as much as running it).
 */
export function prepared(name: string, text: string): (values: unknown[]) => QueryConfig {
  return (values) => ({ name: `taskyard.${name}`, text, values });
}

/**
 * TypeORM's pg pool. Hand-written SQL talks to `pg` directly: TypeORM's query() changes its
 * result's shape for UPDATE and DELETE.
 */
export function poolOf(dataSource: DataSource): Pool {
  return (dataSource.driver as PostgresDriver).master as Pool;
}

/** The connection of a caller's open transaction, so that enqueued jobs commit or roll back with it. */
export async function connectionOf(manager: EntityManager): Promise<PoolClient> {
  const runner = manager.queryRunner;
  if (!runner?.isTransactionActive) {
    throw new Error('enqueue({ manager }) needs the EntityManager of an open transaction');
  }
  // For a runner in a transaction, connect() hands back the connection it already holds.
  return (await runner.connect()) as PoolClient;
}

/** Runs `work` in one transaction on one pooled connection; rolls back if it throws. */
export async function inTransaction<T>(
  pool: Pool,
  work: (tx: PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  // A connection cut while no query runs (work waiting on a file, say) is reported as an 'error'
  // event on the client, which would end the process; the next query fails with it anyway.
  client.on('error', ignoreError);
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    client.off('error', ignoreError);
    client.release();
    return result;
  } catch (error) {
    // A connection that cannot even roll back (cut, terminated) is destroyed, not pooled again.
    const broken = await client.query('ROLLBACK').then(
      () => undefined,
      (rollbackError: unknown) => rollbackError as Error,
    );
    client.off('error', ignoreError);
    client.release(broken);
    throw error;
  }
}

function ignoreError(): void {}
