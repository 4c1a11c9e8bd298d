import { Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import { Database } from '../database/database.js';
import { type Db } from '../database/db.js';

/** A tenant's own limits; null: the setting's default. */
export interface TenantLimitOverrides {
  maxRunningTasks: number | null;
  maxQueuedTasks: number | null;
  maxStoredBytes: number | null;
}

interface OverridesRow {
  max_running_tasks: number | null;
  max_queued_tasks: number | null;
  max_stored_bytes: string | null;
}

const NO_OVERRIDES: TenantLimitOverrides = {
  maxRunningTasks: null,
  maxQueuedTasks: null,
  maxStoredBytes: null,
};

/**
 * The SQL of tenant_limits, and the usage the limits are checked against: read-only counts over
 * tasks and files, each bounded by an index of migration 0005.
 */
@Injectable()
export class TenantLimitsRepository {
  readonly pool: Pool;

  constructor(database: Database) {
    this.pool = database.pool;
  }

  async find(tenant: string): Promise<TenantLimitOverrides> {
    const { rows } = await this.pool.query<OverridesRow>(
      `SELECT max_running_tasks, max_queued_tasks, max_stored_bytes FROM tenant_limits
       WHERE tenant = $1`,
      [tenant],
    );
    return rows[0] ? toOverrides(rows[0]) : NO_OVERRIDES;
  }

  async save(tenant: string, limits: TenantLimitOverrides): Promise<TenantLimitOverrides> {
    const { rows } = await this.pool.query<OverridesRow>(
      `INSERT INTO tenant_limits (tenant, max_running_tasks, max_queued_tasks, max_stored_bytes)
       VALUES ($1, $2, $3, $4)
       ON CONFLICT (tenant) DO UPDATE SET max_running_tasks = EXCLUDED.max_running_tasks,
         max_queued_tasks = EXCLUDED.max_queued_tasks, max_stored_bytes = EXCLUDED.max_stored_bytes,
         updated_at = now()
       RETURNING max_running_tasks, max_queued_tasks, max_stored_bytes`,
      [tenant, limits.maxRunningTasks, limits.maxQueuedTasks, limits.maxStoredBytes],
    );
    return toOverrides(rows[0]);
  }

  /** The tenant's queued tasks, counted up to `upTo` only: the check needs no more. */
  async queuedTasks(tenant: string, upTo: number | null): Promise<number> {
    const { rows } = await this.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM
         (SELECT 1 FROM tasks WHERE tenant = $1 AND status = 'queued' LIMIT $2) q`,
      [tenant, upTo],
    );
    return rows[0]?.n ?? 0;
  }

  /**
   * Bytes of the tenant's files. With `tx`, first takes a lock per tenant until that transaction
   * ends, so that two uploads cannot both pass the check on the same remaining space.
   */
  async storedBytes(tenant: string, tx?: Db): Promise<number> {
    const db = tx ?? this.pool;
    if (tx) {
      await tx.query(`SELECT pg_advisory_xact_lock(hashtextextended('taskyard:bytes:' || $1, 0))`, [
        tenant,
      ]);
    }
    const { rows } = await db.query<{ bytes: string }>(
      `SELECT COALESCE(sum(size), 0)::text AS bytes FROM files WHERE tenant = $1`,
      [tenant],
    );
    return Number(rows[0]?.bytes ?? 0);
  }
}

function toOverrides(row: OverridesRow): TenantLimitOverrides {
  return {
    maxRunningTasks: row.max_running_tasks,
    maxQueuedTasks: row.max_queued_tasks,
    maxStoredBytes: row.max_stored_bytes === null ? null : Number(row.max_stored_bytes),
  };
}
