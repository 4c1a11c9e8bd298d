import { Injectable } from '@nestjs/common';
import { type Repository } from 'typeorm';
import { Database } from '../database/database.js';
import type { Db } from '../database/db.js';
import { TenantLimitsEntity } from './tenant-limits.entity.js';

/** A tenant's own limits; null: the setting's default. */
export interface TenantLimitOverrides {
  maxRunningTasks: number | null;
  maxQueuedTasks: number | null;
  maxStoredBytes: number | null;
  taskRetentionHours: number | null;
  fileRetentionHours: number | null;
}

const NO_OVERRIDES: TenantLimitOverrides = {
  maxRunningTasks: null,
  maxQueuedTasks: null,
  maxStoredBytes: null,
  taskRetentionHours: null,
  fileRetentionHours: null,
};

/**
 * The queries of tenant_limits, and the usage the limits are checked against: read-only counts
 * over tasks and files, each bounded by an index of migration 0005.
 */
@Injectable()
export class TenantLimitsRepository {
  private readonly limits: Repository<TenantLimitsEntity>;

  constructor(private readonly database: Database) {
    this.limits = database.repository(TenantLimitsEntity);
  }

  async find(tenant: string): Promise<TenantLimitOverrides> {
    const row = await this.limits.findOneBy({ tenant });
    return row ? toOverrides(row) : NO_OVERRIDES;
  }

  async save(tenant: string, limits: TenantLimitOverrides): Promise<TenantLimitOverrides> {
    const maxStoredBytes = limits.maxStoredBytes === null ? null : String(limits.maxStoredBytes);
    await this.limits.upsert({ tenant, ...limits, maxStoredBytes }, ['tenant']);
    return { ...limits };
  }

  /**
   * The tenant's queued tasks, counted up to `upTo` only: the check needs no more. Hand-written:
   * the LIMIT inside the count, which TypeORM's count() cannot say.
   */
  async queuedTasks(tenant: string, upTo: number | null): Promise<number> {
    const { rows } = await this.database.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM
         (SELECT 1 FROM tasks WHERE tenant = $1 AND status = 'queued' LIMIT $2) q`,
      [tenant, upTo],
    );
    return rows[0]?.n ?? 0;
  }

  /**
   * Bytes of the tenant's files. With `tx`, first takes a lock per tenant until that transaction
   * ends, so that two uploads cannot both pass the check on the same remaining space.
   * Hand-written: `tx` is the upload's pg transaction, which TypeORM cannot join.
   */
  async storedBytes(tenant: string, tx?: Db): Promise<number> {
    const db = tx ?? this.database;
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

function toOverrides(row: TenantLimitsEntity): TenantLimitOverrides {
  return {
    maxRunningTasks: row.maxRunningTasks,
    maxQueuedTasks: row.maxQueuedTasks,
    maxStoredBytes: row.maxStoredBytes === null ? null : Number(row.maxStoredBytes),
    taskRetentionHours: row.taskRetentionHours,
    fileRetentionHours: row.fileRetentionHours,
  };
}
