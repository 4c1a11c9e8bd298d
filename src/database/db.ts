import type { PoolClient, QueryConfig, QueryResult, QueryResultRow } from 'pg';
import type { EntityManager } from 'typeorm';

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

/** The connection of a caller's open transaction, so that enqueued jobs commit or roll back with it. */
export async function connectionOf(manager: EntityManager): Promise<PoolClient> {
  const runner = manager.queryRunner;
  if (!runner?.isTransactionActive) {
    throw new Error('enqueue({ manager }) needs the EntityManager of an open transaction');
  }
  // For a runner in a transaction, connect() hands back the connection it already holds.
  return (await runner.connect()) as PoolClient;
}
