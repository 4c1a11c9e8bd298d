import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Pool, PoolClient, QueryConfig, QueryResult, QueryResultRow } from 'pg';
import {
  DataSource,
  type EntityManager,
  type EntityTarget,
  type ObjectLiteral,
  type Repository,
} from 'typeorm';
import type { PostgresDataSourceOptions } from 'typeorm/driver/postgres/PostgresDataSourceOptions.js';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver.js';
import type { Db } from './db.js';

/**
 * The name of Taskyard's TypeORM DataSource. Not the default one: a host application that embeds
 * TaskyardModule keeps `DataSource` (and its own entities) to itself.
 */
export const TASKYARD_DATA_SOURCE = 'taskyard';

/**
 * Taskyard's database: the pg pool for hand-written SQL, transactions on it, and TypeORM's manager
 * for repositories. One pool serves both (TypeORM's own).
 */
@Injectable()
export class Database implements Db {
  /**
   * TypeORM's pg pool. Hand-written SQL talks to `pg` directly: TypeORM's query() changes its
   * result's shape for UPDATE and DELETE.
   */
  readonly pool: Pool;
  /** The schema Taskyard's tables live in. */
  readonly schema: string;

  constructor(@InjectDataSource(TASKYARD_DATA_SOURCE) private readonly dataSource: DataSource) {
    this.pool = (dataSource.driver as PostgresDriver).master as Pool;
    this.schema = (dataSource.options as PostgresDataSourceOptions).schema ?? 'public';
  }

  /** For TypeORM repositories and `enqueue({ manager })` transactions. */
  get manager(): EntityManager {
    return this.dataSource.manager;
  }

  repository<Entity extends ObjectLiteral>(target: EntityTarget<Entity>): Repository<Entity> {
    return this.dataSource.getRepository(target);
  }

  query<Row extends QueryResultRow>(text: string, values?: unknown[]): Promise<QueryResult<Row>>;
  query<Row extends QueryResultRow>(config: QueryConfig): Promise<QueryResult<Row>>;
  query<Row extends QueryResultRow>(
    textOrConfig: string | QueryConfig,
    values?: unknown[],
  ): Promise<QueryResult<Row>> {
    return typeof textOrConfig === 'string'
      ? this.pool.query<Row>(textOrConfig, values)
      : this.pool.query<Row>(textOrConfig);
  }

  /** Runs `work` in one transaction on one pooled connection; rolls back if it throws. */
  async transaction<T>(work: (tx: PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
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
}

function ignoreError(): void {}
