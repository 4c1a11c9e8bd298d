import { Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import { Database } from '../database/database.js';
import type { ApiKeyRole } from './api-key.js';

export interface ApiKeyRow {
  id: string;
  tenant: string;
  name: string;
  role: ApiKeyRole;
  key_prefix: string;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

const COLUMNS = 'id, tenant, name, role, key_prefix, created_at, last_used_at, revoked_at';

/** The SQL of the api_keys table. */
@Injectable()
export class ApiKeysRepository {
  private readonly pool: Pool;

  constructor(private readonly database: Database) {
    this.pool = database.pool;
  }

  async insert(key: {
    tenant: string;
    name: string;
    role: ApiKeyRole;
    hash: Buffer;
    prefix: string;
  }): Promise<ApiKeyRow> {
    const { rows } = await this.pool.query<ApiKeyRow>(
      `INSERT INTO api_keys (tenant, name, role, key_hash, key_prefix) VALUES ($1, $2, $3, $4, $5)
       RETURNING ${COLUMNS}`,
      [key.tenant, key.name, key.role, key.hash, key.prefix],
    );
    return rows[0];
  }

  /** Only keys that are not revoked. */
  async findActiveByHash(hash: Buffer): Promise<ApiKeyRow | undefined> {
    const { rows } = await this.pool.query<ApiKeyRow>(
      `SELECT ${COLUMNS} FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL`,
      [hash],
    );
    return rows[0];
  }

  async list(tenant?: string): Promise<ApiKeyRow[]> {
    const { rows } = await this.pool.query<ApiKeyRow>(
      `SELECT ${COLUMNS} FROM api_keys WHERE $1::text IS NULL OR tenant = $1
       ORDER BY created_at, id`,
      [tenant ?? null],
    );
    return rows;
  }

  /** Undefined when there is no such key; a revoked key keeps its first revocation time. */
  async revoke(id: string): Promise<ApiKeyRow | undefined> {
    const { rows } = await this.pool.query<ApiKeyRow>(
      `UPDATE api_keys SET revoked_at = COALESCE(revoked_at, now()) WHERE id = $1
       RETURNING ${COLUMNS}`,
      [id],
    );
    return rows[0];
  }

  async touch(id: string): Promise<void> {
    await this.pool.query(`UPDATE api_keys SET last_used_at = now() WHERE id = $1`, [id]);
  }

  /**
   * Seeds keys at start-up under a transaction-scoped advisory lock, so that several processes
   * starting together create the first admin key once. `seed` runs only if the table is empty
   * after `configured` (the key from the environment, if any) has been stored.
   */
  async bootstrap(
    configured: { hash: Buffer; prefix: string } | undefined,
    seed: () => { hash: Buffer; prefix: string },
  ): Promise<boolean> {
    return this.database.transaction(async (tx) => {
      await tx.query(`SELECT pg_advisory_xact_lock(hashtext('taskyard:api-keys:bootstrap'))`);
      if (configured) {
        await tx.query(
          `INSERT INTO api_keys (tenant, name, role, key_hash, key_prefix)
           VALUES ('admin', 'ADMIN_API_KEY', 'admin', $1, $2) ON CONFLICT (key_hash) DO NOTHING`,
          [configured.hash, configured.prefix],
        );
        return false;
      }
      const { rows } = await tx.query<{ any: boolean }>(
        `SELECT EXISTS (SELECT 1 FROM api_keys) AS any`,
      );
      if (rows[0]?.any) return false;
      const key = seed();
      await tx.query(
        `INSERT INTO api_keys (tenant, name, role, key_hash, key_prefix)
         VALUES ('admin', 'first admin key', 'admin', $1, $2)`,
        [key.hash, key.prefix],
      );
      return true;
    });
  }
}
