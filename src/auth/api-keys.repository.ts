import { Injectable } from '@nestjs/common';
import { type EntityManager, IsNull, type Repository } from 'typeorm';
import { Database } from '../database/database.js';
import { ApiKeyEntity } from './api-key.entity.js';
import type { ApiKeyRole } from './api-key.js';

/** A stored key as it is read back: everything but its hash. */
export type ApiKeyRow = Omit<ApiKeyEntity, 'keyHash'>;

interface NewApiKey {
  tenant: string;
  name: string;
  role: ApiKeyRole;
  keyHash: Buffer;
  keyPrefix: string;
}

/** The queries of the api_keys table. */
@Injectable()
export class ApiKeysRepository {
  private readonly keys: Repository<ApiKeyEntity>;

  constructor(private readonly database: Database) {
    this.keys = database.repository(ApiKeyEntity);
  }

  async insert(key: NewApiKey): Promise<ApiKeyRow> {
    const { identifiers } = await this.keys.insert(key);
    return this.keys.findOneByOrFail({ id: identifiers[0]?.id as string });
  }

  /** Only keys that are not revoked. */
  async findActiveByHash(hash: Buffer): Promise<ApiKeyRow | undefined> {
    return (await this.keys.findOneBy({ keyHash: hash, revokedAt: IsNull() })) ?? undefined;
  }

  async list(tenant?: string): Promise<ApiKeyRow[]> {
    return this.keys.find({
      where: tenant === undefined ? {} : { tenant },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
  }

  /** Undefined when there is no such key; a revoked key keeps its first revocation time. */
  async revoke(id: string): Promise<ApiKeyRow | undefined> {
    await this.keys.update({ id, revokedAt: IsNull() }, { revokedAt: () => 'now()' });
    return (await this.keys.findOneBy({ id })) ?? undefined;
  }

  async touch(id: string): Promise<void> {
    await this.keys.update({ id }, { lastUsedAt: () => 'now()' });
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
    return this.database.manager.transaction(async (manager) => {
      // Hand-written: TypeORM has no advisory locks.
      await manager.query(`SELECT pg_advisory_xact_lock(hashtext('taskyard:api-keys:bootstrap'))`);
      if (configured) {
        await insertAdminKey(manager, 'ADMIN_API_KEY', configured);
        return false;
      }
      if (await manager.exists(ApiKeyEntity)) return false;
      await insertAdminKey(manager, 'first admin key', seed());
      return true;
    });
  }
}

/** An admin key; nothing when its hash is stored already. */
async function insertAdminKey(
  manager: EntityManager,
  name: string,
  key: { hash: Buffer; prefix: string },
): Promise<void> {
  await manager
    .createQueryBuilder()
    .insert()
    .into(ApiKeyEntity)
    .values({ tenant: 'admin', name, role: 'admin', keyHash: key.hash, keyPrefix: key.prefix })
    .orIgnore()
    .execute();
}
